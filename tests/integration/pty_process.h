// Running the real `unionsync` binary under a pseudo-terminal, as a person at a terminal
// does: its stdin, stdout and stderr are the terminal, so isatty() holds and progress shows.
#pragma once

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/integration/process_support.h"

namespace unionsync::testing {

class PtyProcess {
 public:
  // Starts `unionsync --data DIR args...` on a terminal `columns` wide.
  PtyProcess(const std::string& dataDir, const std::vector<std::string>& args, unsigned short columns = 200) {
    std::vector<std::string> argv = {UNIONSYNC_EXE, "--data", dataDir};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    winsize size{};
    size.ws_row = 40;
    size.ws_col = columns;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
  }
  ~PtyProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  bool started() const { return pid_ > 0 && master_ >= 0; }

  // Reads the terminal until `text` has appeared in what it showed, the program closed it, or
  // `timeout` passed; true when it appeared.
  bool waitFor(const std::string& text, std::chrono::milliseconds timeout) {
    return waitUntil([&](const std::string& out) { return out.find(text) != std::string::npos; }, timeout);
  }

  // Reads until `seen(output so far)` holds; false when the program ends or `timeout` passes first.
  bool waitUntil(const std::function<bool(const std::string&)>& seen, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!seen(output_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !readSome(static_cast<int>(left.count()))) return false;
    }
    return true;
  }

  // Ctrl+C typed at the terminal: its line discipline sends SIGINT to the program.
  void pressCtrlC() { (void)!::write(master_, "\x03", 1); }

  // Reads until the program closes the terminal, then waits for it: its exit code, or
  // -signal when a signal ended it.
  int wait() {
    while (readSome(30000)) {
    }
    const int code = waitForExit(pid_);
    pid_ = -1;
    return code;
  }

  // Everything the terminal showed so far (both output streams, "\r" and escapes included).
  const std::string& output() const { return output_; }

 private:
  // False at the end of the output (Linux reports EIO once the program's side is closed) or
  // after `ms` without any.
  bool readSome(int ms) {
    pollfd fd{master_, POLLIN, 0};
    int ready = ::poll(&fd, 1, ms);
    if (ready < 0 && errno == EINTR) return true;
    if (ready <= 0) return false;
    char buffer[4096];
    const ssize_t n = ::read(master_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return false;
    output_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
};

}  // namespace unionsync::testing
