// gui/background.h ChangeWatch: the GUI learns of every change from the node's change feed,
// received batches included, without any view reporting its writes.
#include <doctest/doctest.h>

#include <atomic>

#include "app/internal/store_access.h"
#include "gui/background.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using unionsync::testing::TestNode;

TEST_CASE("change watch: a local write and a batch received from a peer both report a change, once") {
  TestNode here(1), peer(2);
  std::atomic<int> wakes{0};
  gui::ChangeWatch watch(here.node->changes(), [&] { ++wakes; });
  CHECK_FALSE(watch.changed());

  here.addOrg("示范区总工会", "区县总工会");
  CHECK(wakes == 1);
  CHECK(watch.changed());
  CHECK_FALSE(watch.changed());  // reported once

  // Records arriving from a peer (as the sync engine applies them): nothing else is called.
  peer.addOrg("另一个工会", "区县总工会");
  auto batch = internal::storeOf(*peer.node).changesSince({}, {}, 100, SIZE_MAX);
  REQUIRE(internal::storeOf(*here.node).apply(batch.changes).has_value());
  CHECK(wakes == 2);
  CHECK(watch.changed());
  CHECK_FALSE(watch.changed());
}
