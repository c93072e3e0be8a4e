// A small TCP proxy on 127.0.0.1 for bad-network tests (tc netem does not work here): it
// forwards between a listening port and a target port, and can delay chunks, cut
// connections after a random number of bytes, and stall (forward nothing for a while).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace unionsync::testing {

struct ProxyFaults {
  int delayMs = 0;                 // per forwarded chunk, up to this many ms (random)
  std::size_t cutAfterMin = 0;     // 0: never cut; else cut after [min, max] bytes
  std::size_t cutAfterMax = 0;
  int stallEvery = 0;              // every Nth connection stalls (forwards nothing)
};

class TcpProxy {
 public:
  TcpProxy(std::uint16_t targetPort, ProxyFaults faults, std::uint64_t seed)
      : target_(targetPort), faults_(faults), rng_(seed) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listenFd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~TcpProxy() {
    stop_ = true;
    ::shutdown(listenFd_, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : workers_) t.join();
    ::close(listenFd_);
  }
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  int cuts() const { return cuts_; }
  std::uint64_t bytes() const { return bytes_; }  // forwarded, both directions

 private:
  void acceptLoop() {
    while (!stop_) {
      pollfd p{listenFd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int client = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(target_);
      if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        ::close(upstream);
        continue;
      }
      int n = ++connections_;
      std::size_t cutAfter = 0;
      int delay = 0;
      {
        std::lock_guard lock(mutex_);
        if (faults_.cutAfterMin > 0) {
          cutAfter = faults_.cutAfterMin + rng_() % (faults_.cutAfterMax - faults_.cutAfterMin + 1);
        }
        delay = faults_.delayMs;
      }
      bool stall = faults_.stallEvery > 0 && n % faults_.stallEvery == 0;
      workers_.emplace_back([this, client, upstream, cutAfter, delay, stall, n] {
        pump(client, upstream, cutAfter, delay, stall, static_cast<std::uint64_t>(n));
      });
    }
  }

  void pump(int a, int b, std::size_t cutAfter, int delayMs, bool stall, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<char> buf(64 * 1024);
    std::size_t total = 0;
    auto stallUntil = std::chrono::steady_clock::now() + std::chrono::seconds(stall ? 5 : 0);
    while (!stop_) {
      pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
      if (::poll(fds, 2, 50) < 0) break;
      if (stall && std::chrono::steady_clock::now() < stallUntil) continue;  // hold everything
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int from = i == 0 ? a : b, to = i == 0 ? b : a;
        ssize_t n = ::read(from, buf.data(), buf.size());
        if (n <= 0) {
          closed = true;
          break;
        }
        if (delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % (delayMs + 1)));
        std::size_t send = static_cast<std::size_t>(n);
        if (cutAfter > 0 && total + send > cutAfter) {
          send = cutAfter - total;
          closed = true;
          ++cuts_;
        }
        for (std::size_t off = 0; off < send;) {
          ssize_t w = ::send(to, buf.data() + off, send - off, MSG_NOSIGNAL);
          if (w <= 0) {
            closed = true;
            break;
          }
          off += static_cast<std::size_t>(w);
        }
        total += send;
        bytes_ += send;
      }
      if (closed) break;
    }
    ::close(a);
    ::close(b);
  }

  std::uint16_t target_;
  ProxyFaults faults_;
  std::mt19937_64 rng_;
  std::mutex mutex_;
  int listenFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> cuts_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

inline std::uint16_t portOf(const std::string& endpoint) {
  return static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
}

}  // namespace unionsync::testing
