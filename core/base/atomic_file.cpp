#include "base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ampd {

namespace {

bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The temporary file's name for `path`, with mkstemp's six characters as `suffix`.
std::string temporary_name(const std::filesystem::path& path, const std::string& suffix) {
  return "." + path.filename().string() + "." + suffix;
}

}  // namespace

bool write_file_atomically(const std::string& path, const std::string& content, std::string& error,
                           unsigned mode) {
  const auto dir = std::filesystem::path(path).parent_path();
  std::string tmp = (dir / temporary_name(path, "XXXXXX")).string();
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    error = "cannot create a temporary file next to " + path + ": " + std::strerror(errno);
    return false;
  }
  fchmod(fd, mode);
  const bool written = write_all(fd, content) && fsync(fd) == 0;
  const int saved = errno;
  close(fd);
  if (!written) {
    unlink(tmp.c_str());
    error = "cannot write " + path + ": " + std::strerror(saved) + " (file left unchanged)";
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot replace " + path + ": " + std::strerror(errno) + " (file left unchanged)";
    unlink(tmp.c_str());
    return false;
  }
  // Make the rename itself durable.
  const int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return true;
}

std::vector<std::string> remove_interrupted_writes(const std::string& path,
                                                   std::chrono::seconds age) {
  std::vector<std::string> removed;
  const std::filesystem::path target(path);
  if (target.filename().empty()) return removed;
  const auto prefix = temporary_name(target, "");
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  const auto cutoff = std::filesystem::file_time_type::clock::now() - age;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::error_code entry_ec;
    if (!entry.is_regular_file(entry_ec) || entry.last_write_time(entry_ec) > cutoff) continue;
    if (std::filesystem::remove(entry.path(), entry_ec)) removed.push_back(entry.path().string());
  }
  return removed;
}

}  // namespace ampd
