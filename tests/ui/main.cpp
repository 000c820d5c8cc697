// ui_tests' main(): one QApplication for every widget test, on the offscreen platform unless
// QT_QPA_PLATFORM says otherwise (so discovery at build time needs no display). Settings and
// standard paths go to Qt's test locations, never to the user's real CellScope settings.
#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("CellScopeTests"));
  QCoreApplication::setApplicationName(QStringLiteral("ui_tests"));
  ::testing::InitGoogleTest(&argc, argv);
  QApplication app(argc, argv);
  return RUN_ALL_TESTS();
}
