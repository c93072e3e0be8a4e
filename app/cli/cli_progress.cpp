#include "app/cli/cli_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "app/cli/cli_output.h"

namespace unionsync {

namespace {

constexpr auto kQuietStart = std::chrono::milliseconds(300);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string amount(const ProgressWords& words, double n) {
  if (words.bytes) return fmt::format("{:.1f} MB", n / 1e6);
  return groupedDigits(static_cast<std::uint64_t>(std::llround(n)));
}

struct TimeLeft {
  std::string zh, en;
};

TimeLeft timeLeft(std::uint64_t seconds) {
  if (seconds < 60) return {fmt::format("{} 秒", seconds), fmt::format("{} s", seconds)};
  return {fmt::format("{} 分 {} 秒", seconds / 60, seconds % 60), fmt::format("{} min {} s", seconds / 60, seconds % 60)};
}

std::size_t terminalColumns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

std::string groupedDigits(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string progressText(const ProgressWords& words, std::uint64_t done, std::uint64_t total, double seconds,
                         std::size_t columns, const ProgressNote& note) {
  const std::string unitZh = words.bytes ? "" : fmt::format(" {}", words.unitZh);
  const std::string unitEn = words.bytes ? "" : fmt::format(" {}", words.unitEn);
  std::string zh = fmt::format("{} {}", words.verbZh, amount(words, static_cast<double>(done)));
  std::string en = fmt::format("{} {}", words.verbEn, amount(words, static_cast<double>(done)));
  // Once the work is done a bound is the amount itself.
  const bool bound = words.totalIsBound && done < total;
  if (total != 0) {
    zh += fmt::format(" / {}{}", bound ? "至多 " : "", amount(words, static_cast<double>(total)));
    en += fmt::format(" of {}{}", bound ? "at most " : "", amount(words, static_cast<double>(total)));
  }
  zh += unitZh;
  en += unitEn;
  if (seconds > 0) {
    const double rate = static_cast<double>(done) / seconds;
    const std::string perZh = words.bytes ? "/秒" : fmt::format(" {}/秒", words.unitZh);
    const std::string perEn = words.bytes ? "/s" : fmt::format(" {}/s", words.unitEn);
    zh += fmt::format("，{}{}", amount(words, rate), perZh);
    en += fmt::format(", {}{}", amount(words, rate), perEn);
    if (total > done && rate > 0) {
      const auto left = timeLeft(static_cast<std::uint64_t>(std::ceil(static_cast<double>(total - done) / rate)));
      zh += fmt::format("，{}{}", bound ? "剩不到 " : "剩约 ", left.zh);
      en += fmt::format(", {}{} left", bound ? "at most " : "about ", left.en);
    }
  }
  if (!note.zh.empty()) zh += "，" + note.zh;
  if (!note.en.empty()) en += ", " + note.en;
  std::string both = zh + " / " + en;
  // One column stays free: a line that fills the last column wraps on some terminals, and
  // "\r" returns only to the start of the last row.
  if (columns == 0 || displayWidth(both) < columns) return both;
  return zh;
}

bool progressWanted(bool json) { return !json && ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(bool enabled, ProgressWords words) : enabled_(enabled), words_(words), start_(Clock::now()) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::uint64_t done, std::uint64_t total, const ProgressNote& note) {
  if (!enabled_) return;
  const auto now = Clock::now();
  const bool reachedTotal = total != 0 && done >= total;
  if (now - start_ < kQuietStart) return;
  if (drawn_ && now - lastDraw_ < kRedrawEvery && !reachedTotal) return;
  draw(now, done, total, note);
}

void ProgressLine::draw(Clock::time_point now, std::uint64_t done, std::uint64_t total, const ProgressNote& note) {
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // "\x1b[K" clears what a longer earlier line left to the right.
  std::string line = "\r";
  line += progressText(words_, done, total, seconds, terminalColumns(), note);
  line += "\x1b[K";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  drawn_ = true;
  lastDraw_ = now;
}

WorkHooks progressHooks(ProgressLine& line, const InterruptGuard& interrupt) {
  return {[&line](std::uint64_t done, std::uint64_t total) { line.update(done, total); }, interrupt.flag()};
}

void ProgressLine::finish(std::uint64_t done, std::uint64_t total, const ProgressNote& note) {
  if (drawn_) draw(Clock::now(), done, total, note);
  finish();
}

void ProgressLine::finish() {
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
  enabled_ = false;
}

}  // namespace unionsync
