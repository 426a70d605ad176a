#pragma once

// A bounded queue that serves its keys in turn (a key is a client's address): each key
// has a FIFO of its own, and pop() takes one job from the next key of a ring, so that a
// key with many jobs waiting delays another key's first job by one job at most. Keys
// sit in one of two classes; the first class is served before the second (addresses
// with recent failed logins wait behind the others). Plain, single-threaded: the login
// gate owns one.

#include <cassert>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

namespace agg {

template <class Job>
class fair_queue {
public:
  enum class admit { ok, full, key_full };
  enum class lane : unsigned char { first = 0, second = 1 };

  fair_queue(size_t total_max, size_t per_key_max)
      : total_max_(total_max), per_key_max_(per_key_max) {
    assert(total_max > 0 && per_key_max > 0);
  }

  // Queues `job` behind the key's earlier jobs. A key keeps the lane it has while it
  // has jobs waiting.
  admit push(const std::string& key, lane l, Job job) {
    if (size_ >= total_max_) return admit::full;
    auto it = keys_.try_emplace(key).first;
    auto& k = it->second;
    if (k.jobs.size() >= per_key_max_) return admit::key_full;
    if (k.jobs.empty()) {
      k.in = l;
      ring(l).push_back(key);
    }
    k.jobs.push_back(std::move(job));
    ++size_;
    return admit::ok;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  size_t waiting(const std::string& key) const {
    auto i = keys_.find(key);
    return i == keys_.end() ? 0 : i->second.jobs.size();
  }

  // The next job: from the first lane's next key, else the second's. Not when empty.
  Job pop() {
    assert(!empty());
    auto& r = rings_[0].empty() ? rings_[1] : rings_[0];
    auto key = std::move(r.front());
    r.pop_front();
    auto it = keys_.find(key);
    assert(it != keys_.end() && !it->second.jobs.empty());
    Job job = std::move(it->second.jobs.front());
    it->second.jobs.pop_front();
    --size_;
    if (it->second.jobs.empty())
      keys_.erase(it);
    else
      r.push_back(std::move(key)); // its turn comes again after every other key's
    return job;
  }

private:
  struct per_key {
    std::deque<Job> jobs;
    lane in = lane::first;
  };

  std::deque<std::string>& ring(lane l) { return rings_[static_cast<size_t>(l)]; }

  size_t total_max_;
  size_t per_key_max_;
  size_t size_ = 0;
  std::unordered_map<std::string, per_key> keys_;
  std::deque<std::string> rings_[2];
};

} // namespace agg
