// The member table's load: split over threads, first rows before the whole list, a refresh
// and a close while it loads.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <thread>

#include "gui/member_table.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {

// Names repeat, so parts share names; members spread over three organizations.
struct LoadFixture : GuiFixture {
  static constexpr int kMembers = 60;
  LoadFixture() {
    const char* names[] = {"王伟", "李娜", "张三", "欧阳𫖯", "白雪"};
    const RecordId orgs[] = {district, street, enterprise};
    for (int n = 0; n < kMembers; ++n)
      member(n, names[n % 5], orgs[n % 3], {{"employer", n % 2 ? "星光电子" : "城关医院"}, {"status", n % 7 ? "正常" : "保留"}});
  }
};

// Every column of every row, as text, in row order.
std::vector<std::string> dump(const MemberSnapshot& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::string line = s.row(i).id.hex();
    for (std::size_t c = 0; c < kMemberColumns; ++c) line.append("|").append(s.value(s.row(i), static_cast<MemberColumn>(c)));
    line.append("|").append(s.text(s.names()[s.row(i).nameId].pinyin));
    out.push_back(std::move(line));
  }
  return out;
}

bool waitFor(MemberTableModel& model, const std::function<bool()>& done) {
  for (int i = 0; i < 500; ++i) {
    model.poll();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("a load split over threads gives the same snapshot as one read") {
  LoadFixture f;
  const auto one = MemberSnapshot::load(*f.node, {.parts = 1});
  REQUIRE(one->size() == LoadFixture::kMembers);
  CHECK(one->loadStats().parts == 1);
  for (unsigned parts : {2u, 3u, 7u}) {
    CAPTURE(parts);
    const auto split = MemberSnapshot::load(*f.node, {.parts = parts});
    CHECK(split->loadStats().parts == parts);
    CHECK(split->complete());
    CHECK(dump(*split) == dump(*one));
    // A name read by several parts is one name: searches judge it once.
    CHECK(split->names().size() == 5);
    CHECK(split->orgIds().size() == 3);
    CHECK(split->glyphs().astral().size() == 1);
    CHECK(split->find(one->row(17).id) == std::optional<std::size_t>(17));
  }
  // The pinyin keys are there once the load is done: "oy" finds 欧阳𫖯.
  MemberQueryEngine engine;
  const auto view = engine.run(MemberSnapshot::load(*f.node, {.parts = 3}), std::make_shared<OrgTree>(f.node->orgTree()),
                               {.filter = {.search = "oy"}});
  CHECK(view.rows.size() == LoadFixture::kMembers / 5);
}

TEST_CASE("a part done early reads on into the part below's chunks, and the snapshot is the same") {
  LoadFixture f;
  const auto one = MemberSnapshot::load(*f.node, {.parts = 1});
  CHECK(one->loadStats().rowsTaken == 0);
  // Part 0 stops after its first row as it does for the first frame; part 1 meanwhile reads
  // its own half and goes on downwards into part 0's.
  GlyphSet glyphs;
  int glyphCalls = 0;
  const auto split = MemberSnapshot::load(*f.node, {.parts = 2,
                                                    .firstRowsReady = [](auto) { std::this_thread::sleep_for(std::chrono::milliseconds(300)); },
                                                    .firstRows = 1,
                                                    .everyRowRead = [&](const GlyphSet& g) {
                                                      glyphs = g;
                                                      ++glyphCalls;
                                                    }});
  CHECK(split->loadStats().rowsTaken > 0);
  CHECK(dump(*split) == dump(*one));
  CHECK(split->names().size() == 5);
  // Every character of the names and employers, before the join.
  CHECK(glyphCalls == 1);
  CHECK(glyphs.contains(U'伟'));
  CHECK(glyphs.contains(U'星'));
  CHECK(glyphs.astral().size() == 1);
}

TEST_CASE("the first rows come before the whole list, and a load stops when asked") {
  LoadFixture f;
  std::shared_ptr<const MemberSnapshot> first;
  int calls = 0;
  const auto whole = MemberSnapshot::load(*f.node, {.parts = 2, .firstRowsReady = [&](auto s) {
                                                      first = std::move(s);
                                                      ++calls;
                                                    },
                                                    .firstRows = 8});
  CHECK(calls == 1);
  REQUIRE(first != nullptr);
  CHECK_FALSE(first->complete());
  REQUIRE(first->size() == 8);
  for (std::size_t i = 0; i < 8; ++i) CHECK(first->row(i).id == whole->row(i).id);  // the lowest ids
  CHECK(first->serial() != whole->serial());
  CHECK(whole->size() == LoadFixture::kMembers);

  std::size_t seen = 0;
  CHECK(MemberSnapshot::load(*f.node, {.parts = 3, .progress = [&](std::size_t rows) {
                                         seen = rows;
                                         return false;
                                       }}) == nullptr);
  CHECK(seen == LoadFixture::kMembers);
}

TEST_CASE("the model shows the first rows while loading, then the whole list with a change made meanwhile") {
  LoadFixture f;
  std::binary_semaphore previewed{0}, resume{0};
  std::atomic<int> wakes{0};
  MemberTableModel model(*f.node, [&] {
    if (wakes++ == 0) {  // the first wake: the preview is ready; hold the load here
      previewed.release();
      resume.acquire();
    }
  }, 10);
  previewed.acquire();
  REQUIRE(model.poll());
  CHECK(model.loading());
  CHECK(model.view().snapshot == nullptr);  // other views see nothing until the whole list
  REQUIRE(model.preview().snapshot != nullptr);
  CHECK(model.preview().snapshot->size() == 10);
  CHECK(model.preview().rows.size() == 10);
  CHECK(model.glyphs().size() == 0);  // not every member is read yet
  // A member written during the load: the scan may miss it, the refresh after it may not.
  const RecordId late = f.member(99, "新来的", f.enterprise);
  model.storeChanged();
  resume.release();
  REQUIRE(waitFor(model, [&] { return !model.loading() && !model.busy(); }));
  CHECK(model.preview().snapshot == nullptr);
  CHECK(model.glyphs().contains(U'伟'));
  CHECK(model.glyphs().astral().size() == 1);
  CHECK(model.view().rows.size() == LoadFixture::kMembers + 1);
  CHECK(model.view().snapshot->find(late).has_value());
}

TEST_CASE("closing the model while it loads stops the load") {
  LoadFixture f;
  std::binary_semaphore previewed{0};
  std::atomic<int> wakes{0};
  {
    MemberTableModel model(*f.node, [&] {
      if (wakes++ == 0) previewed.release();
    }, 10);
    previewed.acquire();
    // The load now waits for a frame to show the first rows; closing ends it instead.
  }
  CHECK(wakes == 1);  // no whole list was made and announced after the close
}
