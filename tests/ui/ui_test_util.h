// Helpers shared by the widget tests. QTRY_* macros report to QTest, which GoogleTest does not
// see (a timeout would only return from the test, silently passing it): wait with
// QTest::qWaitFor and assert with GoogleTest instead, e.g. ASSERT_TRUE(waitFor([&] { ... })).
#pragma once

#include <QTest>

namespace ui_test {

constexpr int kWaitMs = 5000;

template <typename Condition>
bool waitFor(Condition condition, int timeoutMs = kWaitMs) {
  return QTest::qWaitFor(condition, timeoutMs);
}

}  // namespace ui_test
