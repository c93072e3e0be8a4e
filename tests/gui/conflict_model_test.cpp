#include <doctest/doctest.h>

#include "app/internal/store_access.h"
#include "gui/conflict_model.h"
#include "gui/field_history.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {

// A second office that held the same data, then both edited the same member's position
// before syncing again: the store keeps the losing value as a conflict.
struct ConflictFixture : GuiFixture {
  std::unique_ptr<Store> other;
  RecordId member;

  ConflictFixture() {
    member = GuiFixture::member(1, "王伟", enterprise, {{"position", "职员"}});
    other = std::move(Store::create(dir.sub("other"), "东城", applicationStoreOptions({.durable = false}), clock, random).value());
    REQUIRE(other->adoptDeploymentKey(internal::storeOf(*node).deploymentKey()));
    copy(internal::storeOf(*node), *other, {});
    const VersionVector shared = other->versionVector();
    clock.advance(1000);
    REQUIRE(node->set(Kind::Member, member, {{"position", "组长"}}));
    clock.advance(1000);
    REQUIRE(other->write(Kind::Member, member, {{"position", "主任"}}));
    copy(*other, internal::storeOf(*node), shared);
  }

  static void copy(const Store& from, Store& to, const VersionVector& since) {
    ChangeBatch batch = from.changesSince(since, {}, 100000, SIZE_MAX);
    REQUIRE(to.apply(batch.changes));
  }
};

}  // namespace

TEST_CASE("conflicts show both values with their writers") {
  ConflictFixture f;
  const auto entries = loadConflicts(*f.node, Tr(Lang::Zh));
  REQUIRE(entries.size() == 1);
  const ConflictEntry& e = entries[0];
  CHECK(e.recordTitle == "王伟");
  CHECK(e.fieldLabel == "职务");
  CHECK(e.winnerShown == "主任");  // the later write wins
  CHECK(e.loserShown == "组长");
  const StoreInfo info = f.node->info();
  const OriginNames names{info.origin, info.nodeName};
  const Tr tr(Lang::Zh);
  CHECK(names.label(e.conflict.loser.origin, tr) == "本机（测试节点）");
  CHECK(names.label(e.conflict.winner.origin, tr).starts_with("其他节点 "));
  CHECK(hlcToMs(e.conflict.loser.hlc) == unionsync::gui::testing::kNow + 1000);
}

TEST_CASE("restoring the other value writes it and clears the conflict") {
  ConflictFixture f;
  const Conflict c = f.node->conflicts().at(0);
  REQUIRE(restoreOtherValue(*f.node, c));
  CHECK(f.node->get(Kind::Member, f.member)->get("position") == "组长");
  CHECK(f.node->conflicts().empty());
}

TEST_CASE("keeping the current value clears the conflict and changes nothing") {
  ConflictFixture f;
  const Conflict c = f.node->conflicts().at(0);
  REQUIRE(keepCurrentValue(*f.node, c));
  CHECK(f.node->get(Kind::Member, f.member)->get("position") == "主任");
  CHECK(f.node->conflicts().empty());
}

TEST_CASE("field history: each field with its writer, time and kept conflicting values") {
  ConflictFixture f;
  const Record r = *f.node->get(Kind::Member, f.member);
  const auto history = fieldHistory(r, f.node->conflicts(), Tr(Lang::En));
  const FieldHistoryEntry* position = nullptr;
  bool deletedFlag = false;
  for (const auto& e : history) {
    if (e.field == "position") position = &e;
    if (e.field == "deleted") deletedFlag = e.def == nullptr && e.value == "in use";
  }
  REQUIRE(position);
  CHECK(position->value == "主任");
  REQUIRE(position->kept.size() == 1);
  CHECK(position->kept[0].loserValue == "组长");
  CHECK(deletedFlag);
  CHECK(history.front().field == "name");  // schema order
  CHECK(formatTime(0) == "—");
  CHECK(formatTime(unionsync::gui::testing::kNow).size() == 19);
}
