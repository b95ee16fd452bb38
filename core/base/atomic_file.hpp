// Replaces a file so that readers and crashes only ever see the old or the new content:
// write a temporary file in the same directory, fsync it, rename it over the target, fsync the
// directory. A full disk fails the write and leaves the old file untouched.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ampd {

// `mode` applies to the new file (the users file holds hashes: 0600 by default).
bool write_file_atomically(const std::string& path, const std::string& content, std::string& error,
                           unsigned mode = 0600);

// What a crash in the middle of write_file_atomically(path) left: its temporary files, older than
// `age` (a live write takes milliseconds). Removes them and returns their paths; for the start.
std::vector<std::string> remove_interrupted_writes(
    const std::string& path, std::chrono::seconds age = std::chrono::seconds(10));

}  // namespace ampd
