// Yjs beside unionsync's sync_bench (issue 12): the same full catch-up and one-change figures,
// for a Y.Doc held in memory (no disk, no network, no encryption), so our catch-up over CURVE
// with fsync can be read against it in the same run.
//
// Node A holds N members: one Y.Map per member, keyed by a 32-hex member id inside a top-level
// Y.Map "members", with the fields a stored member has. The full catch-up is what a Yjs
// provider does for an empty peer: A encodes its whole state (Y.encodeStateAsUpdate) and the
// empty node B applies it (Y.applyUpdate). One changed member is measured both ways a Yjs
// peer learns of it: the writer's update event (a live provider) and a reconnect (B's state
// vector to A, A's diff back).
//
//   node yjs_catchup.mjs [--members N] [--shape import|sync_bench]
//
// --shape import (default): the 13 fields `unionsync import members` stores for a row of
// store_bench's roster (same name lists, valid ID numbers, mobiles, employers, card numbers).
// --shape sync_bench: the 9 fields sync_bench writes, value for value, so the bytes compare
// with the figures it prints beside this.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as Y from 'yjs';

function parseArgs(argv) {
  const args = { members: 1_000_000, shape: 'import' };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--members' && i + 1 < argv.length) args.members = Number(argv[++i]);
    else if (argv[i] === '--shape' && i + 1 < argv.length) args.shape = argv[++i];
    else args.bad = true;
  }
  if (args.bad || !Number.isInteger(args.members) || args.members < 1 || !['import', 'sync_bench'].includes(args.shape)) {
    console.error('usage: node yjs_catchup.mjs [--members N] [--shape import|sync_bench]');
    process.exit(2);
  }
  return args;
}

// GB 11643 check character of the first 17 digits (store/validation.cpp idNumberCheckChar).
const kWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function withCheckChar(first17) {
  let sum = 0;
  for (let k = 0; k < 17; ++k) sum += (first17.charCodeAt(k) - 48) * kWeights[k];
  return first17 + '10X98765432'[sum % 11];
}

const pad = (n, width) => String(n).padStart(width, '0');

// Member ids are keyed hashes of the ID number (app/records/member_identity.h): 16 bytes spread
// over the key space, written as 32 hex digits.
const memberId = (idNumber) => createHash('sha256').update('bench-deployment-key').update(idNumber).digest('hex').slice(0, 32);

// The district tree of both C++ benches: 1 district, 10 streets, 100 communities; member
// records point at a union by its 32-hex id.
const unionIds = Array.from({ length: 111 }, (_, i) => createHash('sha256').update(`union ${i}`).digest('hex').slice(0, 32));
const communityIds = unionIds.slice(11);

// sync_bench.cpp memberWrite(), field for field.
function syncBenchMember(i) {
  const day = Math.floor(i / 1000), seq = i % 1000;
  const birthDate = `${pad(1950 + Math.floor(day / 336), 4)}-${pad(Math.floor(day / 28) % 12 + 1, 2)}-${pad(day % 28 + 1, 2)}`;
  const idNumber = withCheckChar(`110105${birthDate.replaceAll('-', '')}${pad(seq, 3)}`);
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  return [memberId(idNumber), {
    name: `${surnames[i % 10]}${i}`,
    gender: seq % 2 === 1 ? '男' : '女',
    id_number: idNumber,
    birth_date: birthDate,
    mobile: `138${pad(i % 100_000_000, 8)}`,
    org: communityIds[i % communityIds.length],
    join_date: '2020-05-01',
    migrant: i % 3 ? '0' : '1',
    status: '正常',
  }];
}

// store_bench.cpp's roster row as `import members` stores it: the CSV's fields, the union's
// id, and birth date, gender and status derived from the ID number and the defaults.
const kSurnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '欧阳'];
const kGiven = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平',
  '刚', '桂英', '堃', '喆', '淼', '䶮', '建国', '海燕', '晓东', '志强'];
const kEmployers = ['幸福超市', '红星机械厂', '蓝天物流有限公司', '城南建筑工程队', '惠民家政服务中心', '绿源食品厂', '平安快递站',
  '光明纺织厂', '新华书店', '康泰医药连锁'];
const kEducation = ['初中', '高中/中专', '大专', '本科'];
const kRegions = ['110105', '310104', '440305', '510107', '330106'];
let seed = 42;
const rand = (n) => {  // xorshift32: deterministic, cheap; the distribution is all that matters here
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
};
function importMember(i) {
  const birth = new Date(Date.UTC(1960, 0, 1 + Math.floor(i / 999)));
  const seq = i % 999 + 1;
  const ymd = `${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1, 2)}${pad(birth.getUTCDate(), 2)}`;
  const idNumber = withCheckChar(`${kRegions[seq % 5]}${ymd}${pad(seq, 3)}`);
  return [memberId(idNumber), {
    name: kSurnames[rand(kSurnames.length)] + kGiven[rand(kGiven.length)],
    gender: seq % 2 === 1 ? '男' : '女',
    ethnicity: '汉族',
    id_number: idNumber,
    birth_date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}`,
    mobile: `1${3000000000 + i * 7}`,
    employer: kEmployers[rand(kEmployers.length)],
    org: unionIds[1 + rand(110)],
    join_date: `${2000 + rand(25)}-${pad(1 + rand(12), 2)}-${pad(1 + rand(28), 2)}`,
    card_no: `HY${pad(i, 8)}`,
    migrant: rand(10) < 3 ? '1' : '0',
    education: kEducation[rand(kEducation.length)],
    status: '正常',
  }];
}

const now = () => performance.now() / 1000;
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const utf8 = (s) => Buffer.byteLength(s, 'utf8');

const args = parseArgs(process.argv.slice(2));
const N = args.members;
const makeMember = args.shape === 'import' ? importMember : syncBenchMember;
const yjsVersion = JSON.parse(readFileSync(new URL('./node_modules/yjs/package.json', import.meta.url))).version;
const fieldCount = Object.keys(makeMember(0)[1]).length;
console.log(`yjs_catchup: ${N} members, ${fieldCount} fields each (${args.shape} shape), yjs ${yjsVersion}, node ${process.version}, ` +
  `in memory, load average ${loadavg()[0].toFixed(1)}`);

// 1. A writes the members in one transaction (a bulk import into a Y.Doc).
const a = new Y.Doc();
const ids = new Array(N);
let payload = 0;  // field names and values as UTF-8, the least any encoding must carry
let t0 = now();
a.transact(() => {
  const members = a.getMap('members');
  for (let i = 0; i < N; ++i) {
    const [id, fields] = makeMember(i);
    ids[i] = id;
    const member = new Y.Map();
    members.set(id, member);
    for (const [name, value] of Object.entries(fields)) {
      member.set(name, value);
      payload += utf8(name) + utf8(value);
    }
    payload += utf8(id);
  }
});
const writeSeconds = now() - t0;
console.log(`local bulk write:     ${writeSeconds.toFixed(2)} s  ${(N / writeSeconds).toFixed(0).padStart(9)} records/s  ` +
  `(one transaction; ${(payload / N).toFixed(0)} B of ids, field names and values per member)`);

// 2. Full catch-up of the empty B.
const b = new Y.Doc();
t0 = now();
const update = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
const encodeSeconds = now() - t0;
t0 = now();
Y.applyUpdate(b, update);
const applySeconds = now() - t0;
const catchUp = encodeSeconds + applySeconds;
console.log(`full catch-up:        ${catchUp.toFixed(2)} s  ${(N / catchUp).toFixed(0).padStart(9)} records/s  ` +
  `(encode ${encodeSeconds.toFixed(2)} s + apply ${applySeconds.toFixed(2)} s; ${mb(update.length)} MB update, ` +
  `${(update.length / N).toFixed(0)} B per member; ${(catchUp / writeSeconds).toFixed(2)}x the local bulk write time)`);

// The catch-up is only a figure if B holds what A holds: same state vector, same count, and
// every field of a sample of members.
const membersB = b.getMap('members');
const sameVector = Buffer.compare(Buffer.from(Y.encodeStateVector(a)), Buffer.from(Y.encodeStateVector(b))) === 0;
let sampleEqual = 0;
const kSample = Math.min(N, 10_000);
for (let s = 0; s < kSample; ++s) {
  const i = Math.floor(s * N / kSample);
  const got = membersB.get(ids[i]);
  if (got && JSON.stringify(got.toJSON()) === JSON.stringify(a.getMap('members').get(ids[i]).toJSON())) ++sampleEqual;
}
const equal = sameVector && membersB.size === N && sampleEqual === kSample;
console.log(`equal on B:           ${equal ? 'yes' : 'NO'} (state vectors ${sameVector ? 'equal' : 'DIFFER'}, ` +
  `${membersB.size} members, ${sampleEqual} of ${kSample} sampled members field for field)`);

// 3. One changed member after N, ten times (as sync_bench), each way a Yjs peer learns of it.
const kRepeats = 10;
const live = { seconds: 0, bytes: 0 }, reconnect = { seconds: 0, bytes: 0 };
const membersA = a.getMap('members');
for (let round = 0; round < 2; ++round) {
  for (let r = 0; r < kRepeats; ++r) {
    const id = ids[(r * 7919) % N];
    const mobile = `139${pad(r + round * 100, 8)}`;
    let sent = null;
    const onUpdate = (u) => { sent = u; };
    if (round === 0) a.on('update', onUpdate);
    t0 = now();
    membersA.get(id).set('mobile', mobile);
    if (round === 0) {
      a.off('update', onUpdate);
      Y.applyUpdate(b, sent);
      live.seconds += now() - t0;
      live.bytes += sent.length;
    } else {
      const vector = Y.encodeStateVector(b);
      const diff = Y.encodeStateAsUpdate(a, vector);
      Y.applyUpdate(b, diff);
      reconnect.seconds += now() - t0;
      reconnect.bytes += vector.length + diff.length;
    }
    if (membersB.get(id).get('mobile') !== mobile) {
      console.log(`one changed member:   NOT applied on B (${id})`);
      process.exit(1);
    }
  }
}
console.log(`one changed member:   ${(live.seconds / kRepeats * 1000).toFixed(2)} ms  ${(live.bytes / kRepeats).toFixed(0)} bytes ` +
  `(the writer's update event applied to B; one direction, no acknowledgement)`);
console.log(`one changed member:   ${(reconnect.seconds / kRepeats * 1000).toFixed(2)} ms  ${(reconnect.bytes / kRepeats).toFixed(0)} bytes ` +
  `both directions (reconnect: B's state vector, A's diff with its whole delete set)`);

// Live objects only when run with --expose-gc (run.sh does): the heap after a full collection.
globalThis.gc?.();
const memory = process.memoryUsage();
console.log(`memory, A and B:      ${mb(memory.heapUsed)} MB JS heap in use${globalThis.gc ? ' after a full GC' : ''}, ` +
  `${mb(memory.rss)} MB RSS (${(memory.heapUsed / 2 / N).toFixed(0)} B of heap per member per doc)`);
console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
process.exit(equal ? 0 : 1);
