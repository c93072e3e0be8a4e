// One bar of a horizontal bar chart: what the models hand to ui::barChart (gui/widgets.h).
#pragma once

#include <string>

namespace unionsync::gui {

struct ChartBar {
  std::string label;
  double value = 0;
  std::string shown;  // the value as printed after the bar
};

}  // namespace unionsync::gui
