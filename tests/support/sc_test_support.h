#pragma once
// For SystemC module tests: a SystemC warning or error is a test failure, not a line in the
// log. Each TEST runs in its own process (gtest_discover_tests), so each may elaborate once.
#include <gtest/gtest.h>

#include <systemc>

namespace mx::testing_support {

inline void fail_on_report(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() >= sc_core::SC_WARNING)
    ADD_FAILURE() << "SystemC " << (report.get_severity() == sc_core::SC_WARNING ? "warning" : "error") << ": "
                  << report.get_msg_type() << ": " << report.get_msg();
  if (report.get_severity() >= sc_core::SC_ERROR) throw std::runtime_error(report.get_msg());
  if (actions & sc_core::SC_DISPLAY) sc_core::sc_report_handler::default_handler(report, sc_core::SC_DO_NOTHING);
}

class ReportHandlerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_core::sc_report_handler::set_handler(fail_on_report);
  }
};

inline ::testing::Environment* const kReportHandler =
    ::testing::AddGlobalTestEnvironment(new ReportHandlerEnvironment);

}  // namespace mx::testing_support
