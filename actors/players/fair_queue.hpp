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
#include <optional>
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

  // What push() did: queued the job or not, and the job it pushed out to make room.
  struct pushed {
    admit result = admit::ok;
    std::optional<Job> evicted; // refuse it: its place went to the new job
  };

  // Queues `job` behind the key's earlier jobs. The key moves to lane `l` (to the back
  // of its ring) if it was in the other: its newest job says where it belongs. When
  // the queue is full, the newest job of the key that is worst
  // off to keep one (the second lane first, then the most jobs waiting) makes room, if
  // that key is worse off than this one would be; so a flood that fills the queue
  // cannot keep a newcomer out.
  pushed push(const std::string& key, lane l, Job job) {
    pushed out;
    auto waiting_now = waiting(key);
    if (waiting_now >= per_key_max_) {
      out.result = admit::key_full;
      return out;
    }
    if (size_ >= total_max_) {
      auto victim = worst_key(key, l, waiting_now);
      if (!victim) {
        out.result = admit::full;
        return out;
      }
      out.evicted = take_newest(*victim);
    }
    auto& k = keys_[key];
    if (k.jobs.empty()) {
      k.in = l;
      ring(l).push_back(key);
    } else if (k.in != l) {
      std::erase(ring(k.in), key);
      k.in = l;
      ring(l).push_back(key);
    }
    k.jobs.push_back(std::move(job));
    ++size_;
    return out;
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

  // The key to push a job out for a newcomer to `key` in lane `l` (with `waiting` jobs
  // of its own already): one in a later lane, or in the same lane with at least two
  // more jobs waiting; of those, the one in the later lane with the most jobs.
  std::optional<std::string> worst_key(const std::string& key, lane l,
                                       size_t waiting) const {
    const std::string* worst = nullptr;
    auto rank = [](const per_key& k) { return std::make_pair(k.in, k.jobs.size()); };
    for (const auto& [name, k] : keys_) {
      if (name == key) continue;
      bool worse = k.in > l || (k.in == l && k.jobs.size() >= waiting + 2);
      if (worse && (worst == nullptr || rank(k) > rank(keys_.at(*worst)))) worst = &name;
    }
    if (worst == nullptr) return std::nullopt;
    return *worst;
  }

  Job take_newest(const std::string& key) {
    auto it = keys_.find(key);
    assert(it != keys_.end() && !it->second.jobs.empty());
    Job job = std::move(it->second.jobs.back());
    it->second.jobs.pop_back();
    --size_;
    if (it->second.jobs.empty()) {
      std::erase(ring(it->second.in), key);
      keys_.erase(it);
    }
    return job;
  }

  size_t total_max_;
  size_t per_key_max_;
  size_t size_ = 0;
  std::unordered_map<std::string, per_key> keys_;
  std::deque<std::string> rings_[2];
};

} // namespace agg
