#include "app/node.h"

#include <fmt/format.h>

#include <atomic>

#include "app/changes.h"
#include "app/federation/federation.h"
#include "app/records/counters.h"
#include "app/records/received_check.h"
#include "app/search/pinyin.h"
#include "app/search/pinyin_index.h"
#include "app/sync/sync_service.h"

namespace unionsync {

namespace {

// The store a node's received-change check reads the deployment key from. Set once the store
// is open; the check runs only inside that store's own transactions, so it is set by then.
// Store::deploymentKey() answers from its cache (read at open), not from a transaction.
struct KeySlot {
  std::atomic<const Store*> store{nullptr};
  std::string key() const {
    const Store* s = store.load();
    return s ? s->deploymentKey() : std::string();
  }
};

template <typename OpenStore>
Result<std::unique_ptr<Store>> openWithReceivedCheck(NodeOptions options, Clock& clock, const std::string& dataDir,
                                                     const std::shared_ptr<OwnRights>& rights, OpenStore openStore) {
  auto slot = std::make_shared<KeySlot>();
  auto store = openStore(applicationStoreOptions(options, [slot] { return slot->key(); }, clock, rights, dataDir));
  if (!store) return store;
  (void)(*store)->deploymentKey();  // fills the cache before any change is received
  slot->store.store(store->get());
  return store;
}

}  // namespace

std::string ValidationFailure::summary() const {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "；") + e.message;
  return out;
}

StoreOptions applicationStoreOptions(NodeOptions options) {
  StoreOptions store;
  store.durable = options.durable;
  store.notice = options.notice;
  for (const auto& kind : allKinds())
    for (const auto& field : kind.fields)
      if (field.indexed) store.indexedFields.push_back({kind.kind, std::string(field.name)});
  // Owners are indexed for every kind, so subtree listings need no scan.
  for (const auto& kind : allKinds())
    if (!findField(kind.kind, kind.ownerField)->indexed)
      store.indexedFields.push_back({kind.kind, std::string(kind.ownerField)});
  // Members, unions and employers are also found by the pinyin of their names.
  for (Kind kind : pinyin::kIndexedKinds) {
    const std::string field(kindDef(kind).titleField);
    store.indexedFields.push_back({kind, field, pinyin::indexName(field), pinyin::nameKeys});
  }
  store.indexVersion = std::string(pinyin::kKeysVersion);
  store.counters = counter::countRecord;
  store.countersVersion = std::string(counter::kVersion);
  return store;
}

StoreOptions applicationStoreOptions(NodeOptions options, std::function<std::string()> deploymentKey, Clock& clock,
                                     std::shared_ptr<OwnRights> rights, const std::string& dataDir) {
  StoreOptions store = applicationStoreOptions(options);
  store.validateReceived = makeReceivedValidator(std::move(deploymentKey), clock);
  store.signLocal = makeChangeSigner(rights, dataDir);
  store.checkLocal = makeLocalWriteCheck(std::move(rights), clock);
  return store;
}

Node::Node(std::string dataDir, std::unique_ptr<Store> store, std::shared_ptr<OwnRights> rights, Clock& clock,
           Random& random)
    : dataDir_(std::move(dataDir)),
      store_(std::move(store)),
      clock_(clock),
      random_(random),
      changes_(std::make_unique<ChangeFeed>(*store_)),
      federation_(std::make_unique<Federation>(*store_, clock_, dataDir_, *changes_, std::move(rights))),
      sync_(std::make_unique<SyncService>(*store_, clock_, dataDir_, *changes_, federation_->policy())) {}

Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::open(const std::string& dataDir, Clock& clock, Random& random,
                                         NodeOptions options) {
  auto rights = makeOwnRights();
  auto store = openWithReceivedCheck(options, clock, dataDir, rights,
                                     [&](StoreOptions o) { return Store::open(dataDir, std::move(o), clock); });
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Node>(new Node(dataDir, std::move(*store), std::move(rights), clock, random));
}

Result<std::unique_ptr<Node>> Node::create(const std::string& dataDir, const std::string& name,
                                           Clock& clock, Random& random, NodeOptions options) {
  if (name.empty()) return fail("节点名称不能为空 / the node needs a name (--name)");
  auto rights = makeOwnRights();
  auto store = openWithReceivedCheck(
      options, clock, dataDir, rights, [&](StoreOptions o) { return Store::create(dataDir, name, std::move(o), clock, random); });
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Node>(new Node(dataDir, std::move(*store), std::move(rights), clock, random));
}

std::string Node::today() const { return dateOf(clock_.nowMs()); }

}  // namespace unionsync
