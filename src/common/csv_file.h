#pragma once
// The small CSV files metaxbar reads (level tables, RAW cycling data, transition counts):
// read under a size cap, one header line, then rows of comma-separated cells. Blank lines and
// lines starting with '#' are skipped; cells are trimmed of blanks and '\r'. Each reader
// checks its own header and cells; this is where the lines are found and numbered.
#include <cstddef>
#include <string>
#include <vector>

namespace mx {

struct CsvLine {
  size_t number = 0;  // 1-based line in the file
  std::string text;   // as written, for error messages
  std::vector<std::string> cells;
};

struct CsvFile {
  std::string path;
  CsvLine header;  // number 0 when the file holds no line but blanks and comments
  std::vector<CsvLine> rows;

  // "<path>:<line>", the prefix of every error about that line.
  std::string where(const CsvLine& line) const;
  // The index of the header's column `name`, or -1.
  int column(const std::string& name) const;
  // Throws "<path>:<line>: expected the header A,B,C, got '...'" unless the header is exactly
  // `columns`, in order.
  void require_header(const std::vector<std::string>& columns) const;
  // Throws "<path>:<line>: expected N fields A,B,C, got '...'" unless `row` has one cell per
  // header column.
  void require_cells(const CsvLine& row) const;
};

// Reads `path` (`what` names it in errors: "level table", "RAW cycling file"); a file above
// `max_bytes` is an error, so /dev/zero or a dataset given by mistake stops at the cap.
CsvFile read_csv_file(const std::string& path, const std::string& what, size_t max_bytes);

}  // namespace mx
