#include "app/io/xlsx_cell_text.h"
#include "app/io/lost_digits.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>

namespace unionsync {

namespace {

// Excel keeps 15 significant digits: whole numbers from here on may have lost some.
constexpr double kExactDigits = 1e15;
constexpr double kLastSerial = 2958465;  // 9999-12-31

bool numeric(const FieldDef* field) {
  return field && (field->type == FieldType::Money || field->type == FieldType::Count);
}

std::string shownNumber(double v) {
  if (std::fabs(v) < kExactDigits && v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.15G}", v);
}

// The day of an Excel date serial (1900 system), or nothing before 1900-01-01 or after 9999.
std::optional<std::string> serialDate(double serial) {
  if (!(serial >= 1 && serial < kLastSerial + 1)) return std::nullopt;
  auto days = static_cast<int>(std::floor(serial));
  if (days == 60) return "1900-02-29";  // Lotus 1-2-3's leap day, which Excel keeps
  if (days > 60) --days;
  using namespace std::chrono;
  const year_month_day ymd{sys_days{year{1899} / December / 31} + std::chrono::days{days}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

}  // namespace

SheetCellText xlsxCellText(const XlsxCell& cell, const FieldDef* field, bool date1904) {
  switch (cell.type) {
    case XlsxCell::Type::Text: return {cell.text, {}};
    case XlsxCell::Type::Boolean:
      if (field && field->type == FieldType::Bool) return {cell.text == "1" ? "是" : "否", {}};
      return {cell.text == "1" ? "TRUE" : "FALSE", {}};
    case XlsxCell::Type::Error:
      return {cell.text, fmt::format("单元格是公式出错的结果 {}，请改正公式或直接填写 / the cell holds the formula error {}: fix the "
                                     "formula or type the value",
                                     cell.text, cell.text)};
    case XlsxCell::Type::Number: break;
  }
  double v = 0;
  std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), v);  // the reader checked it is a number
  if (!numeric(field) && (cell.dateFormat || (field && field->type == FieldType::Date)))
    if (auto date = serialDate(date1904 ? v + 1462 : v)) return {*date, {}};
  SheetCellText out{shownNumber(v), {}};
  if (!field || numeric(field) || std::fabs(v) < kExactDigits || v != std::floor(v)) return out;
  out.problem = lostDigitsProblem(*field);
  return out;
}

}  // namespace unionsync
