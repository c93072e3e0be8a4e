// Ctrl+C (SIGINT) and SIGTERM during a long command (import, export, report, backup, sync):
// the work stops at its next safe point (between write transactions, before a file is put
// in place), the command says what was stored and exits with kInterruptedExit.
#pragma once

#include <signal.h>

#include <atomic>
#include <string>
#include <string_view>

namespace unionsync {

// The exit code of an interrupted command (128 + SIGINT, as shells report it).
inline constexpr int kInterruptedExit = 130;

// While it lives, the first SIGINT or SIGTERM only sets flag() (nothing else happens in the
// handler, so it is async-signal-safe) and puts back the default action, so a second one
// ends the process at once. A signal ignored when it starts (a script's background job)
// stays ignored. The previous handlers return when it is destroyed. One guard at a time.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // For ImportOptions::cancel, WorkHooks::cancel, SyncWatch::cancel.
  const std::atomic<bool>* flag() const;
  bool interrupted() const;

 private:
  struct sigaction previousInt_{};
  struct sigaction previousTerm_{};
};

// Prints "unionsync: MESSAGE" on stderr and returns kInterruptedExit.
int reportInterrupted(const std::string& message);

// What an interrupted command that writes `file` (export, report, backup: `whatZh`,
// `whatEn`) says: the file was not written, the temporary one was removed, and a file
// already at that name (an earlier one, whole) was left as it was.
std::string notWrittenText(const std::string& file, std::string_view whatZh, std::string_view whatEn);

}  // namespace unionsync
