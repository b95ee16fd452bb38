// Collects the tables, RESULT lines and failures of a run and prints them as markdown.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace bench {

class Report {
 public:
  // Starts a table; following rows and notes belong to it.
  void table(const std::string& title, std::vector<std::string> header);
  void row(std::vector<std::string> cells);
  void note(const std::string& text);
  // A machine-readable line: "RESULT " + fields.
  void result(const std::string& fields);
  // A scenario that could not run or saw a wrong answer/event: the run fails.
  void failure(const std::string& text);
  // Progress on stderr while the run goes.
  static void progress(const std::string& text);

  bool failed() const { return !failures_.empty(); }
  void print(std::ostream& out, const std::string& command_line, const std::string& machine) const;

 private:
  struct Table {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> notes;
  };
  std::vector<Table> tables_;
  std::vector<std::string> results_;
  std::vector<std::string> failures_;
};

}  // namespace bench
