#include "common/csv_file.h"

#include <algorithm>
#include <sstream>

#include "common/error.h"
#include "common/input_limits.h"

namespace mx {
namespace {

std::string trimmed(std::string cell) {
  cell.erase(0, cell.find_first_not_of(" \t\r"));
  cell.erase(cell.find_last_not_of(" \t\r") + 1);
  return cell;
}

std::vector<std::string> cells_of(const std::string& text) {
  std::vector<std::string> cells;
  std::stringstream stream(text);
  std::string cell;
  while (std::getline(stream, cell, ',')) cells.push_back(trimmed(cell));
  if (!text.empty() && text.back() == ',') cells.emplace_back();
  return cells;
}

std::string joined(const std::vector<std::string>& cells) {
  std::string text;
  for (const auto& cell : cells) text += (text.empty() ? "" : ",") + cell;
  return text;
}

std::string shown(const std::string& text) { return "'" + text.substr(0, kMaxShownChars) + "'"; }

}  // namespace

std::string CsvFile::where(const CsvLine& line) const { return path + ":" + std::to_string(line.number); }

int CsvFile::column(const std::string& name) const {
  const auto it = std::find(header.cells.begin(), header.cells.end(), name);
  return it == header.cells.end() ? -1 : static_cast<int>(it - header.cells.begin());
}

void CsvFile::require_header(const std::vector<std::string>& columns) const {
  if (header.cells != columns)
    throw Error(where(header) + ": expected the header " + joined(columns) + ", got " + shown(header.text));
}

void CsvFile::require_cells(const CsvLine& row) const {
  if (row.cells.size() != header.cells.size())
    throw Error(where(row) + ": expected " + std::to_string(header.cells.size()) + " fields " +
                joined(header.cells) + ", got " + shown(row.text));
}

CsvFile read_csv_file(const std::string& path, const std::string& what, size_t max_bytes) {
  CsvFile file;
  file.path = path;
  std::istringstream in(read_file_capped(path, max_bytes, what));
  std::string text;
  for (size_t number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos || text[first] == '#') continue;
    CsvLine line{number, text, cells_of(text)};
    if (file.header.number == 0)
      file.header = std::move(line);
    else
      file.rows.push_back(std::move(line));
  }
  return file;
}

}  // namespace mx
