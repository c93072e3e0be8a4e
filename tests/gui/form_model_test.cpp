#include <doctest/doctest.h>

#include "gui/form_model.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;
using unionsync::gui::testing::idNumber;

TEST_CASE("a form has one field per schema field, presets filled") {
  FormModel form(Kind::Member);
  form.startNew({{"org", "00112233445566778899aabbccddeeff"}, {"join_date", "2026-06-15"}});
  CHECK(form.fields().size() == kindDef(Kind::Member).fields.size());
  CHECK(form.field("org")->value == "00112233445566778899aabbccddeeff");
  CHECK_FALSE(form.editing());
  CHECK(form.changes() == FieldValues{{"org", "00112233445566778899aabbccddeeff"}, {"join_date", "2026-06-15"}});
}

TEST_CASE("validation puts each error next to its field, in the UI language") {
  GuiFixture f;
  FormModel form(Kind::Member);
  form.startNew({{"org", f.enterprise.hex()}});
  form.set("id_number", "110105194912310021");  // wrong check character
  form.set("mobile", "12345");
  CHECK_FALSE(form.validate(*f.node, Tr(Lang::Zh)));
  CHECK_FALSE(form.field("id_number")->error.empty());
  CHECK_FALSE(form.field("mobile")->error.empty());
  CHECK(form.field("name")->error.find("必填") != std::string::npos);
  CHECK(form.field("org")->error.empty());
  CHECK(form.field("name")->error.find(" / ") == std::string::npos);  // one language only

  CHECK_FALSE(form.validate(*f.node, Tr(Lang::En)));
  CHECK(form.field("name")->error == "Name: required");
  form.set("name", "王淼");
  CHECK(form.field("name")->error.empty());  // typing clears the field's error
}

TEST_CASE("saving adds a member; editing sends only what changed and keeps the ID number") {
  GuiFixture f;
  FormModel form(Kind::Member);
  form.startNew({{"org", f.enterprise.hex()}});
  form.set("name", "王淼");
  form.set("id_number", "11010519491231002x");
  form.set("mobile", "138 0013 8000");
  const Tr tr(Lang::Zh);
  auto id = form.save(*f.node, tr);
  REQUIRE(id.has_value());
  auto record = f.node->get(Kind::Member, *id);
  CHECK(record->get("mobile") == "13800138000");
  CHECK(record->get("id_number") == "11010519491231002X");

  form.startEdit(*record);
  CHECK(form.editing());
  CHECK(form.field("id_number")->readOnly);
  CHECK_FALSE(form.dirty());
  form.set("position", "车间主任");
  form.set("mobile", "");
  CHECK(form.changes() == FieldValues{{"mobile", ""}, {"position", "车间主任"}});
  REQUIRE(form.save(*f.node, tr).has_value());
  record = f.node->get(Kind::Member, *id);
  CHECK(record->get("position") == "车间主任");
  CHECK(record->get("mobile").empty());
  CHECK_FALSE(form.dirty());
}

TEST_CASE("money is edited in yuan") {
  GuiFixture f;
  auto id = f.node->add(Kind::Activity, {{"title", "送温暖"}, {"activity_type", "送温暖/慰问"}, {"org", f.street.hex()},
                                         {"start_date", "2026-01-20"}, {"cost", "1200.5"}});
  REQUIRE(id.has_value());
  FormModel form(Kind::Activity);
  form.startEdit(*f.node->get(Kind::Activity, *id));
  CHECK(form.field("cost")->value == "1200.50");
  CHECK_FALSE(form.dirty());
  CHECK(formValueOf(*findField(Kind::Activity, "cost"), "5") == "0.05");
}

TEST_CASE("forms of other kinds check their own required fields") {
  GuiFixture f;
  FormModel form(Kind::Organization);
  form.startNew();
  form.set("org_type", "企业工会");
  CHECK_FALSE(form.save(*f.node, Tr(Lang::Zh)).has_value());
  CHECK_FALSE(form.field("name")->error.empty());
}
