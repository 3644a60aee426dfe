// PeriodicTask: passes run on the blocking pool, one per interval; a pass asking to run again is
// run at once; stop() ends the loop during its wait, and a pass in progress finishes first.
#include "app/periodic_task.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace orion::app {
namespace {

using namespace std::chrono_literals;

constexpr auto kPatience = 5s;  // bounds every wait: a failure ends the test, never hangs it

// Counts the passes (called from the blocking pool) and lets the test wait for a number of them.
class Passes {
 public:
  int add() {
    std::lock_guard lock(mutex_);
    ++count_;
    changed_.notify_all();
    return count_;
  }
  bool wait_for(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

// Runs the io_context on its own thread. The task's loop is its only work, so run() returning
// means the loop has ended.
class Runner {
 public:
  explicit Runner(boost::asio::io_context& io) : io_(io), thread_([this] { run(); }) {}
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;
  ~Runner() {
    io_.stop();
    thread_.join();
  }

  bool wait_ended(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ended_; });
  }

 private:
  void run() {
    io_.run();
    std::lock_guard lock(mutex_);
    ended_ = true;
    changed_.notify_all();
  }

  boost::asio::io_context& io_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool ended_ = false;
  std::thread thread_;  // last: started once the rest is constructed
};

class PeriodicTaskTest : public ::testing::Test {
 protected:
  // Starts the task with a pass that only counts, then the io_context's thread.
  void start_counting(std::chrono::milliseconds interval) {
    task_.start(interval, [this] {
      passes_.add();
      return false;
    });
    run();
  }
  void run() { runner_.emplace(io_); }
  bool wait_ended(std::chrono::milliseconds timeout = kPatience) {
    return runner_->wait_ended(timeout);
  }

  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  PeriodicTask task_{io_, blocking_};
  Passes passes_;
  std::optional<Runner> runner_;  // last: stopped and joined first
};

TEST_F(PeriodicTaskTest, PassesRunOncePerInterval) {
  start_counting(1ms);

  EXPECT_TRUE(passes_.wait_for(3));
  task_.stop();
  EXPECT_TRUE(wait_ended());
}

TEST_F(PeriodicTaskTest, APassAskingAgainRunsAgainAtOnce) {
  // An hour's interval: only "again" can bring the later passes.
  task_.start(1h, [this] { return passes_.add() < 5; });
  run();

  EXPECT_TRUE(passes_.wait_for(5));
  // The fifth pass said no: the loop now waits its interval.
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(passes_.count(), 5);
  task_.stop();
  EXPECT_TRUE(wait_ended());
}

TEST_F(PeriodicTaskTest, StopEndsTheLoopDuringItsWait) {
  start_counting(1h);

  ASSERT_TRUE(passes_.wait_for(1));   // the first pass runs at once
  std::this_thread::sleep_for(20ms);  // most likely in the wait by now; either way it must end
  task_.stop();
  EXPECT_TRUE(wait_ended());
  EXPECT_EQ(passes_.count(), 1);
}

TEST_F(PeriodicTaskTest, APassInProgressFinishesBeforeTheLoopEnds) {
  std::mutex mutex;
  std::condition_variable changed;
  bool released = false;
  bool finished = false;
  task_.start(1ms, [&] {
    passes_.add();
    std::unique_lock lock(mutex);
    changed.wait_for(lock, kPatience, [&] { return released; });
    finished = true;
    return true;  // "again at once" must not outrun stop()
  });
  run();

  ASSERT_TRUE(passes_.wait_for(1));
  task_.stop();
  EXPECT_FALSE(wait_ended(50ms));  // the pass still blocks: the loop cannot have ended
  {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  EXPECT_TRUE(wait_ended());
  {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(finished);
  }
  EXPECT_EQ(passes_.count(), 1);
}

}  // namespace
}  // namespace orion::app
