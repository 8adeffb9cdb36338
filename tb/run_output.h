#pragma once
// A run's output folder as one unit. The run writes into a fresh folder beside --out
// (<out>.tmp.<pid>); commit() swaps it into place in one rename, so a reader, a resumed sweep
// or a killed run sees either the old complete set (summary, timeline, energy.csv, VCD) or
// the new one, never a new trace beside an old summary. Files in the old folder that are
// not run outputs (a sweep point's config.json, stdout.txt, stderr.txt) are carried over.
#include <string>
#include <vector>

namespace mx {

// The names a run may write: a file of this set in the old folder is never carried over.
const std::vector<std::string>& run_output_files();

// "<out>" refused when empty, "/", or an existing non-directory; its parent must be
// creatable and writable. One line naming --out otherwise.
void check_output_folder(const std::string& out_dir);

class OutputFolder {
 public:
  // Checks `out_dir`, removes what dead runs left beside it (<out>.tmp.<pid>, <out>.old.<pid>)
  // and inside it (*.tmp.<pid>), and creates the temporary folder.
  explicit OutputFolder(const std::string& out_dir);
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  // Removes the temporary folder when commit() did not run (a failed run changes nothing).
  ~OutputFolder();

  const std::string& staging() const { return staging_; }
  const std::string& final_dir() const { return final_; }
  void commit();

 private:
  std::string final_;
  std::string staging_;
  bool committed_ = false;
};

// Removes `<dir>/*.tmp.<pid>` files of processes that no longer exist (write_file_atomically's
// leftovers after a kill -9).
void remove_stale_temporaries(const std::string& dir);

}  // namespace mx
