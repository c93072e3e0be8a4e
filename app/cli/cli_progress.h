// A progress line for the long commands (import, export, report, backup, sync): one line on
// stderr, redrawn in place with "\r", only when stderr is a terminal and --json is not given,
// so scripts and tests that read the output see exactly what they saw before.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/cli/cli_interrupt.h"
#include "app/node.h"

namespace unionsync {

// How a command names its work: "已导入 12,000 / 100,000 行" / "imported 12,000 of 100,000 rows".
struct ProgressWords {
  std::string_view verbZh;  // 已导入
  std::string_view verbEn;  // imported
  std::string_view unitZh;  // 行 (unused for bytes)
  std::string_view unitEn;  // rows
  bool bytes = false;       // the counts are bytes, shown in MB
  bool totalIsBound = false;  // the total is an upper bound, not the exact amount
};

// What one update says beside the counts (sync: what was sent), in both languages.
struct ProgressNote {
  std::string zh;
  std::string en;
};

// The text of the line: done (and the total when not 0) in the command's unit, the rate per
// second over `seconds`, and the time left when the total is known. Chinese first; the
// English half follows only when the whole fits in `columns` (0: no limit known).
std::string progressText(const ProgressWords& words, std::uint64_t done, std::uint64_t total, double seconds,
                         std::size_t columns, const ProgressNote& note = {});

// 12000 -> "12,000".
std::string groupedDigits(std::uint64_t n);

// True when a progress line may be drawn: stderr is a terminal and the output is not JSON.
bool progressWanted(bool json);

// The line itself. Not thread-safe: updates come from one thread at a time.
class ProgressLine {
 public:
  // Draws nothing at all unless `enabled` (progressWanted).
  ProgressLine(bool enabled, ProgressWords words);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws the line, at most ten times a second; nothing in the first 0.3 s, so a quick
  // command prints no line at all. The update that reaches the total is always drawn.
  void update(std::uint64_t done, std::uint64_t total, const ProgressNote& note = {});
  // Ends a drawn line with a newline, so the command's own messages start on a line of
  // their own. Later updates draw nothing.
  void finish();
  // The same, once the line shows the final figures (work whose total is not known has no
  // update that reaches it). Draws them only when a line was drawn already.
  void finish(std::uint64_t done, std::uint64_t total, const ProgressNote& note = {});

 private:
  using Clock = std::chrono::steady_clock;
  void draw(Clock::time_point now, std::uint64_t done, std::uint64_t total, const ProgressNote& note);

  bool enabled_;
  ProgressWords words_;
  Clock::time_point start_;
  Clock::time_point lastDraw_;
  bool drawn_ = false;
};

// Hooks that draw `line` and stop when `interrupt` has seen Ctrl-C; both must outlive them.
WorkHooks progressHooks(ProgressLine& line, const InterruptGuard& interrupt);

}  // namespace unionsync
