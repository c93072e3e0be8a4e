#include "app/cli/cli_interrupt.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace unionsync {

namespace {

std::atomic<bool> gInterrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void onStopSignal(int) { gInterrupted.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() {
  gInterrupted.store(false);
  struct sigaction action{};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the kernel puts back the default action as it delivers the first signal.
  // SA_RESTART: calls that do not expect EINTR (LMDB's backup copy among them) carry on.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  // A signal ignored on entry stays ignored: a shell starts background jobs of a script so
  // that the Ctrl+C meant for the script leaves them running.
  sigaction(SIGINT, nullptr, &previousInt_);
  sigaction(SIGTERM, nullptr, &previousTerm_);
  if (previousInt_.sa_handler != SIG_IGN) sigaction(SIGINT, &action, nullptr);
  if (previousTerm_.sa_handler != SIG_IGN) sigaction(SIGTERM, &action, nullptr);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previousInt_, nullptr);
  sigaction(SIGTERM, &previousTerm_, nullptr);
}

const std::atomic<bool>* InterruptGuard::flag() const { return &gInterrupted; }

bool InterruptGuard::interrupted() const { return gInterrupted.load(); }

int reportInterrupted(const std::string& message) {
  std::cerr << "unionsync: " << message << "\n";
  return kInterruptedExit;
}

std::string notWrittenText(const std::string& file, std::string_view whatZh, std::string_view whatEn) {
  std::error_code ec;
  const bool earlier = std::filesystem::exists(file, ec);
  return fmt::format("已中断：未写出{}文件 {}，写了一半的临时文件已删除{} / interrupted: the {} file {} was not written, the "
                     "half-written temporary file was removed{}",
                     whatZh, file, earlier ? "；原有的同名文件未改动" : "", whatEn, file,
                     earlier ? "; the file already there was left as it was" : "");
}

}  // namespace unionsync
