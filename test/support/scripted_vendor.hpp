#pragma once

// A studio adapter for tests (kind "scripted"): each round runs the next step queued
// for its vendor id: return a win, throw, sleep, or wait for a gate. With no step
// queued a round wins nothing. Kind "scripted_now" runs its steps in play_now(), before
// the debit on the connection's thread (win and fail only: the others would block it).
// Kind "crashing" fails in its constructor, so its vendor connection fails at every
// start.

#include "vendors/adapter.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace agg::test {

class scripts {
public:
  using step = std::function<vendors::round_outcome(const vendors::round_context&)>;

  static scripts& get() {
    static scripts instance;
    return instance;
  }

  void push(const std::string& vendor, step s) {
    std::lock_guard<std::mutex> guard{mtx_};
    steps_[vendor].push_back(std::move(s));
  }

  void clear() {
    std::lock_guard<std::mutex> guard{mtx_};
    steps_.clear();
  }

  vendors::round_outcome run(const std::string& vendor,
                             const vendors::round_context& ctx) {
    step s;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      auto& q = steps_[vendor];
      if (!q.empty()) {
        s = std::move(q.front());
        q.pop_front();
      }
    }
    started.fetch_add(1);
    return s ? s(ctx) : vendors::round_outcome{0, R"({"scripted":true})", std::nullopt};
  }

  std::atomic<int> started{0};

private:
  std::mutex mtx_;
  std::map<std::string, std::deque<step>> steps_;
};

// Steps
inline scripts::step win(int64_t amount) {
  return [amount](const vendors::round_context&) {
    return vendors::round_outcome{amount, R"({"scripted":"win"})", std::nullopt};
  };
}

inline scripts::step fail() {
  return [](const vendors::round_context&) -> vendors::round_outcome {
    throw std::runtime_error("scripted failure");
  };
}

inline scripts::step sleep_then_win(std::chrono::milliseconds d, int64_t amount = 0) {
  return [d, amount](const vendors::round_context&) {
    std::this_thread::sleep_for(d);
    return vendors::round_outcome{amount, R"({"scripted":"slow"})", std::nullopt};
  };
}

// Blocks a round until opened; counts the rounds waiting at it. Its destruction waits
// (bounded) for the rounds it held to leave it: a worker still waking up must not find
// it gone.
class gate {
public:
  scripts::step step(int64_t amount = 0) {
    return [this, amount](const vendors::round_context&) {
      std::unique_lock<std::mutex> guard{mtx_};
      ++waiting_;
      ++inside_;
      cv_.notify_all();
      cv_.wait(guard, [&] { return open_; });
      --inside_;
      cv_.notify_all();
      return vendors::round_outcome{amount, R"({"scripted":"gated"})", std::nullopt};
    };
  }
  bool wait_for_waiters(int n, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> guard{mtx_};
    return cv_.wait_for(guard, limit, [&] { return waiting_ >= n; });
  }
  void open() {
    std::lock_guard<std::mutex> guard{mtx_};
    open_ = true;
    cv_.notify_all();
  }
  ~gate() {
    std::unique_lock<std::mutex> guard{mtx_};
    open_ = true;
    cv_.notify_all();
    cv_.wait_for(guard, std::chrono::seconds{30}, [&] { return inside_ == 0; });
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  int waiting_ = 0;
  int inside_ = 0; // rounds in step() now
  bool open_ = false;
};

class scripted_adapter : public vendors::adapter {
public:
  explicit scripted_adapter(const vendors::adapter_env& env) : vendor_(env.vendor_id) {}
  std::vector<vendors::game_info> games() const override {
    return {{"g1", "Scripted", "test", 950'000, 1, 1'000'000, 1, {}}};
  }
  vendors::round_outcome play(const vendors::round_context& ctx) override {
    return scripts::get().run(vendor_, ctx);
  }

private:
  std::string vendor_;
};

class scripted_now_adapter : public scripted_adapter {
public:
  using scripted_adapter::scripted_adapter;
  std::optional<vendors::round_outcome>
  play_now(const vendors::round_context& ctx) override {
    return play(ctx);
  }
};

inline std::atomic<int> crashing_constructions{0};

inline const bool scripted_registered = [] {
  vendors::register_adapter("scripted", [](const vendors::adapter_env& env) {
    return std::make_unique<scripted_adapter>(env);
  });
  vendors::register_adapter("scripted_now", [](const vendors::adapter_env& env) {
    return std::make_unique<scripted_now_adapter>(env);
  });
  vendors::register_adapter(
      "crashing", [](const vendors::adapter_env&) -> std::unique_ptr<vendors::adapter> {
        crashing_constructions.fetch_add(1);
        throw std::runtime_error("this studio cannot start");
      });
  return true;
}();

} // namespace agg::test
