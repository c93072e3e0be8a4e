// The progress line's text and the Ctrl+C guard of the long commands (issue 11).
#include <doctest/doctest.h>

#include <signal.h>

#include "app/cli/cli_interrupt.h"
#include "app/cli/cli_progress.h"

using namespace unionsync;

TEST_CASE("progress line: done of total, the rate and the time left, Chinese first, English when it fits") {
  const ProgressWords rows{"已导入", "imported", "行", "rows"};
  CHECK(progressText(rows, 12000, 100000, 2.0, 0) ==
        "已导入 12,000 / 100,000 行，6,000 行/秒，剩约 15 秒 / imported 12,000 of 100,000 rows, 6,000 rows/s, about 15 s left");
  CHECK(progressText(rows, 12000, 100000, 2.0, 60) == "已导入 12,000 / 100,000 行，6,000 行/秒，剩约 15 秒");
  CHECK(progressText(rows, 1000, 100000, 1.0, 0).find("剩约 1 分 39 秒") != std::string::npos);
  // Finished: no time left; unknown total: neither total nor time left.
  CHECK(progressText(rows, 5, 5, 1.0, 0) == "已导入 5 / 5 行，5 行/秒 / imported 5 of 5 rows, 5 rows/s");
  const ProgressWords changes{"已接收", "received", "条变更", "changes"};
  CHECK(progressText(changes, 300, 0, 2.0, 0, {"已发送 2 条", "sent 2"}) ==
        "已接收 300 条变更，150 条变更/秒，已发送 2 条 / received 300 changes, 150 changes/s, sent 2");
  // Bytes, of a bound rather than an exact total.
  const ProgressWords bytes{.verbZh = "已备份", .verbEn = "backed up", .bytes = true, .totalIsBound = true};
  CHECK(progressText(bytes, 50'000'000, 200'000'000, 1.0, 0) ==
        "已备份 50.0 MB / 至多 200.0 MB，50.0 MB/秒，剩不到 3 秒 / backed up 50.0 MB of at most 200.0 MB, 50.0 MB/s, at most 3 s "
        "left");
  CHECK(progressText(bytes, 150'000'000, 150'000'000, 1.0, 0) ==
        "已备份 150.0 MB / 150.0 MB，150.0 MB/秒 / backed up 150.0 MB of 150.0 MB, 150.0 MB/s");
  CHECK(groupedDigits(0) == "0");
  CHECK(groupedDigits(999) == "999");
  CHECK(groupedDigits(1000) == "1,000");
  CHECK(groupedDigits(1234567) == "1,234,567");
}

TEST_CASE("progress line: nothing at all is drawn when disabled") {
  ProgressLine line(false, {"已导入", "imported", "行", "rows"});
  line.update(1, 2);  // stderr is not read here; a disabled line must not even look at it
  line.finish();
  CHECK_FALSE(progressWanted(true));  // --json never draws, terminal or not
}

TEST_CASE("interrupt guard: the first SIGINT only sets the flag and restores the default; the old handler returns") {
  struct sigaction before{};
  sigaction(SIGINT, nullptr, &before);
  {
    InterruptGuard guard;
    CHECK_FALSE(guard.interrupted());
    REQUIRE(::raise(SIGINT) == 0);
    CHECK(guard.interrupted());
    CHECK(guard.flag()->load());
    struct sigaction now{};
    sigaction(SIGINT, nullptr, &now);
    CHECK((now.sa_handler == SIG_DFL));  // a second Ctrl+C ends the process at once
  }
  struct sigaction after{};
  sigaction(SIGINT, nullptr, &after);
  CHECK((after.sa_handler == before.sa_handler));
  InterruptGuard fresh;
  CHECK_FALSE(fresh.interrupted());
  CHECK(kInterruptedExit == 130);
}

TEST_CASE("interrupt guard: a SIGINT ignored on entry (a script's background job) stays ignored") {
  struct sigaction ignore{};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before{};
  sigaction(SIGINT, &ignore, &before);
  {
    InterruptGuard guard;
    struct sigaction now{};
    sigaction(SIGINT, nullptr, &now);
    CHECK((now.sa_handler == SIG_IGN));
    REQUIRE(::raise(SIGINT) == 0);
    CHECK_FALSE(guard.interrupted());
  }
  sigaction(SIGINT, &before, nullptr);
}

