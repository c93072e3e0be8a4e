// Running the real `unionsync` binary from tests: one-shot commands with captured output,
// and long-running `serve` processes that can be killed with any signal.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace unionsync::testing {

struct CommandResult {
  int exitCode = -1;
  std::string out;
};

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

// Runs `unionsync --data DIR args...`; stdout captured, stderr appended to it.
inline CommandResult runCli(const std::string& dataDir, const std::vector<std::string>& args) {
  std::string cmd = shellQuote(UNIONSYNC_EXE) + " --data " + shellQuote(dataDir);
  for (const auto& a : args) {
    cmd.push_back(' ');
    cmd.append(shellQuote(a));
  }
  cmd += " 2>&1";
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// Waits for the child `pid` to end: its exit code, or -signal when a signal ended it.
inline int waitForExit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// A background `unionsync --data DIR args...` with output to `logFile`.
class Process {
 public:
  Process(const std::string& dataDir, const std::vector<std::string>& args, const std::string& logFile) {
    std::vector<std::string> argv = {UNIONSYNC_EXE, "--data", dataDir};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool started() const { return pid_ > 0; }
  // Sends `signal` and waits; returns the exit code (or -signal when killed by a signal).
  int stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    const int code = waitForExit(pid_);
    pid_ = -1;
    return code;
  }

 private:
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
inline std::uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace unionsync::testing
