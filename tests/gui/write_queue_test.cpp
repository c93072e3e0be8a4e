#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gui/form_model.h"
#include "gui/write_queue.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {
// Delivers until `done` (the UI side's per-frame poll), for at most a few seconds.
template <typename Done>
bool deliverUntil(WriteQueue& writer, Done done) {
  for (int i = 0; i < 1000 && !done(); ++i) {
    writer.deliver();
    if (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}
}  // namespace

TEST_CASE("writes run on the writer thread, in submission order, and reach the UI in deliver()") {
  GuiFixture f;
  WriteQueue writer;
  const auto ui = std::this_thread::get_id();
  std::vector<std::thread::id> ranOn;  // written by the writer only, read after delivery
  std::vector<int> order;
  std::vector<int> delivered;
  std::atomic<bool> release{false};
  for (int i = 0; i < 5; ++i) {
    writer.submit<Result<RecordId>>(
        [&, i]() -> Result<RecordId> {
          // The first write waits, so the later ones queue behind it: order must hold anyway.
          // (Bounded, so a queue that wrongly ran writes inline fails the checks, not hangs.)
          for (int k = 0; i == 0 && !release && k < 2000; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          ranOn.push_back(std::this_thread::get_id());
          order.push_back(i);
          auto id = f.node->add(Kind::Organization, {{"name", fmt::format("第{}工会", i)}, {"org_type", "企业工会"},
                                                      {"parent", f.street.hex()}});
          if (!id) return std::unexpected(Error{id.error().summary()});
          return *id;
        },
        [&, i](Result<RecordId> id) {
          CHECK(std::this_thread::get_id() == ui);
          CHECK(id.has_value());
          delivered.push_back(i);
        },
        [](const std::string& e) { FAIL(e); });
  }
  // Nothing is delivered while the first write is held: submit() did not run it inline.
  CHECK(writer.deliver() == 0);
  CHECK(delivered.empty());
  CHECK(writer.pending() == 5);
  release = true;
  REQUIRE(deliverUntil(writer, [&] { return delivered.size() == 5; }));
  CHECK(writer.pending() == 0);
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(delivered == std::vector<int>{0, 1, 2, 3, 4});
  REQUIRE(ranOn.size() == 5);
  for (const auto& id : ranOn) {
    CHECK(id != ui);
    CHECK(id == ranOn.front());  // one writer thread
  }
  CHECK(f.node->count(Kind::Organization) == 3 + 5);
}

TEST_CASE("a form saved through the writer: saving() until delivered, validation errors intact") {
  GuiFixture f;
  WriteQueue writer;
  FormModel form(Kind::Member);
  form.startNew({{"org", f.enterprise.hex()}});
  form.set("mobile", "12345");  // and no name, no ID number

  const FormWrite write = form.beginSave();
  CHECK(form.saving());
  std::optional<std::expected<RecordId, ValidationFailure>> result;
  writer.submit<std::expected<RecordId, ValidationFailure>>(
      [&node = *f.node, write] { return write.run(node); },
      [&](std::expected<RecordId, ValidationFailure> r) { result = std::move(r); }, [](const std::string& e) { FAIL(e); });
  REQUIRE(deliverUntil(writer, [&] { return result.has_value(); }));
  REQUIRE_FALSE(result->has_value());
  CHECK(result->error().errors.size() >= 3);  // name, id_number, mobile: every error, not a summary
  CHECK_FALSE(form.finishSave(write, *result, Tr(Lang::En)).has_value());
  CHECK_FALSE(form.saving());
  CHECK(form.field("name")->error == "Name: required");
  CHECK_FALSE(form.field("mobile")->error.empty());
  CHECK_FALSE(form.field("id_number")->error.empty());
  CHECK(form.field("org")->error.empty());
}

TEST_CASE("a result for a form reopened meanwhile is not applied to it") {
  GuiFixture f;
  FormModel form(Kind::Member);
  form.startNew({{"org", f.enterprise.hex()}});
  const FormWrite write = form.beginSave();
  form.startNew();  // the person opened another new form while the write ran
  CHECK_FALSE(form.saving());
  CHECK_FALSE(form.finishSave(write, write.run(*f.node), Tr(Lang::Zh)).has_value());
  CHECK(form.field("name")->error.empty());
}

TEST_CASE("an edit typed while the save runs still counts as a change afterwards") {
  GuiFixture f;
  const RecordId id = f.member(1, "王淼", f.enterprise);
  FormModel form(Kind::Member);
  form.startEdit(*f.node->get(Kind::Member, id));
  form.set("name", "王森");
  const FormWrite write = form.beginSave();
  form.set("mobile", "13800138000");  // typed while the write runs
  auto saved = form.finishSave(write, write.run(*f.node), Tr(Lang::Zh));
  REQUIRE(saved.has_value());
  CHECK(*saved == id);
  CHECK(f.node->get(Kind::Member, id)->get("name") == "王森");
  CHECK(form.changes() == FieldValues{{"mobile", "13800138000"}});
}

TEST_CASE("closing the writer finishes the writes already submitted") {
  GuiFixture f;
  const std::size_t before = f.node->count(Kind::Organization);
  {
    WriteQueue writer;
    for (int i = 0; i < 3; ++i)
      writer.submit<bool>(
          [&node = *f.node, street = f.street, i] {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            return node.add(Kind::Organization, {{"name", fmt::format("关闭前{}", i)}, {"org_type", "企业工会"},
                                                 {"parent", street.hex()}})
                .has_value();
          },
          [](bool) { FAIL("completions are dropped on close"); }, {});
  }
  CHECK(f.node->count(Kind::Organization) == before + 3);
}
