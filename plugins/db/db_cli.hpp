// AstDB through the CLI, for what Asterisk's manager lacks: 1.4 has no DBDel/DBDelTree, and
// DBGetTree arrived only in 16.28/18.14/20.
#pragma once

#include <ampd/sdk.hpp>
#include <string>
#include <vector>

namespace db_plugin {

// One CLI argument, quoted when it holds blanks or quotes as Asterisk's CLI parser expects.
std::string cli_word(const std::string& word);

// True when Asterisk answered that it does not know the action (too old or module missing).
bool unknown_action(const ampd::sdk::AmiResult& result);

// What a CLI command answered: its output lines, or why it failed (Asterisk's own text).
struct CliAnswer {
  bool ok = false;
  std::string error;
  std::vector<std::string> lines;
};
// Runs `command` with the Command action; both generations' output forms come back as lines.
CliAnswer run_cli(const ampd::sdk::Request& request, const std::string& command);

// One "/family/key : value" line of "database show".
struct DbEntry {
  std::string family;
  std::string key;
  std::string val;
};
// Splits "/family/key/more" into family and key ("key/more"); false if it is not a key path.
bool split_path(const std::string& path, DbEntry& entry);
// Parses the lines of "database show"; other lines (the "N results found." count) are skipped.
std::vector<DbEntry> parse_database_show(const std::vector<std::string>& lines);

}  // namespace db_plugin
