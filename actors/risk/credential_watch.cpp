#include "actors/risk/credential_watch.hpp"

#include <algorithm>

namespace agg::risk {

bool credential_watch::failed(const std::string& subject, const std::string& username,
                              int64_t now_us) {
  if (subject.empty() || username.empty()) return false;
  if (subjects_.size() >= opts_.subjects_max && !subjects_.count(subject)) {
    std::erase_if(subjects_, [&](const auto& s) {
      return now_us - s.second.started_us >= opts_.window_us;
    });
    if (subjects_.size() >= opts_.subjects_max) return false;
  }
  auto& e = subjects_[subject];
  if (now_us - e.started_us >= opts_.window_us) e = entry{now_us, {}, false};
  auto& names = e.usernames;
  if (std::find(names.begin(), names.end(), username) == names.end() &&
      static_cast<int64_t>(names.size()) < opts_.accounts_max)
    names.push_back(username);
  if (e.reported || static_cast<int64_t>(names.size()) < opts_.accounts_max) return false;
  e.reported = true;
  return true;
}

int64_t credential_watch::accounts(const std::string& subject) const {
  auto i = subjects_.find(subject);
  return i == subjects_.end() ? 0 : static_cast<int64_t>(i->second.usernames.size());
}

} // namespace agg::risk
