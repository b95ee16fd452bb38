#include "report.hpp"

#include <iostream>

namespace bench {

void Report::table(const std::string& title, std::vector<std::string> header) {
  tables_.push_back(Table{title, std::move(header), {}, {}});
}

void Report::row(std::vector<std::string> cells) {
  if (!tables_.empty()) tables_.back().rows.push_back(std::move(cells));
}

void Report::note(const std::string& text) {
  if (!tables_.empty()) tables_.back().notes.push_back(text);
}

void Report::result(const std::string& fields) {
  results_.push_back("RESULT " + fields);
  std::cerr << "RESULT " << fields << std::endl;
}

void Report::failure(const std::string& text) {
  failures_.push_back(text);
  std::cerr << "FAILURE " << text << std::endl;
}

void Report::progress(const std::string& text) { std::cerr << "... " << text << std::endl; }

void Report::print(std::ostream& out, const std::string& command_line,
                   const std::string& machine) const {
  out << "\n`" << command_line << "`  \n" << machine << "\n";
  for (const auto& t : tables_) {
    out << "\n#### " << t.title << "\n\n|";
    for (const auto& h : t.header) out << ' ' << h << " |";
    out << "\n|";
    for (std::size_t i = 0; i < t.header.size(); ++i) out << (i < 2 ? " :-- |" : " --: |");
    out << '\n';
    for (const auto& r : t.rows) {
      out << '|';
      for (const auto& c : r) out << ' ' << c << " |";
      out << '\n';
    }
    if (!t.notes.empty()) out << '\n';
    for (const auto& n : t.notes) out << n << "  \n";
  }
  out << '\n';
  for (const auto& r : results_) out << r << '\n';
  if (!failures_.empty()) {
    out << "\nFAILURES (" << failures_.size() << "):\n";
    for (const auto& f : failures_) out << "- " << f << '\n';
  }
  out << std::flush;
}

}  // namespace bench
