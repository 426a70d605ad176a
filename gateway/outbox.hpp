#pragma once

// The frames waiting to be written to one player connection: in order and bounded,
// with one exception. A balance is state, not an event: a balance push replaces an
// older push of the same currency still waiting (the newer is appended, the older
// dropped), so that a client that reads is not disconnected for pushes that are
// already out of date. The frame being written is never touched. Plain and
// single-threaded: the connection's strand owns it.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace agg::gateway {

class outbox {
public:
  struct frame {
    std::string text;
    std::string state;   // a balance push's currency; empty for every other frame
    int64_t version = 0; // of that state (the ledger seq): only a newer one replaces
  };

  explicit outbox(size_t len_max) : len_max_(len_max) { assert(len_max > 0); }

  // Queues a frame; false when the outbox is full (the connection must be closed).
  bool push(frame f) {
    if (!f.state.empty()) {
      for (auto i = frames_.begin() + (writing_ ? 1 : 0); i != frames_.end(); ++i)
        if (i->state == f.state) {
          if (i->version > f.version) return true; // already newer
          frames_.erase(i);
          ++replaced_;
          break;
        }
    }
    if (frames_.size() >= len_max_) return false;
    frames_.push_back(std::move(f));
    return true;
  }

  bool empty() const { return frames_.empty(); }
  size_t size() const { return frames_.size(); }
  bool writing() const { return writing_; }
  int64_t replaced() const { return replaced_; }

  // The next frame to write; it stays in place, untouched, until done_writing().
  const std::string& start_writing() {
    assert(!frames_.empty() && !writing_);
    writing_ = true;
    return frames_.front().text;
  }

  void done_writing() {
    assert(writing_);
    writing_ = false;
    frames_.pop_front();
  }

private:
  size_t len_max_;
  std::deque<frame> frames_;
  bool writing_ = false;
  int64_t replaced_ = 0;
};

} // namespace agg::gateway
