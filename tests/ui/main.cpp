// ui_tests' main(): one QApplication for every widget test, on the offscreen platform unless
// QT_QPA_PLATFORM says otherwise (so discovery at build time needs no display).
// Invariants: each test process has its own settings store and standard paths (a fresh temporary
// XDG_CONFIG_HOME/XDG_DATA_HOME/XDG_STATE_HOME, removed at exit), so parallel ctest processes never
// share settings; and every test starts on an empty store, so no test sees another's leftovers.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <cstdio>

namespace {

// Empties this process's settings store before each test (and after it, for a tidy store).
class FreshSettingsPerTest : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override { clear(); }
  void OnTestEnd(const ::testing::TestInfo&) override { clear(); }
  static void clear() {
    QSettings settings;
    settings.clear();
    settings.sync();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");

  // Not QStandardPaths::setTestModeEnabled(true): in test mode Qt puts the settings under
  // ~/.qttest/config whatever XDG_CONFIG_HOME says — one store shared by every test process.
  QTemporaryDir home(QDir::temp().filePath(QStringLiteral("cellscope-ui-tests-XXXXXX")));
  if (!home.isValid()) {
    std::fprintf(stderr, "ui_tests: cannot create a temporary settings folder in %s: %s\n",
                 qPrintable(QDir::tempPath()), qPrintable(home.errorString()));
    return 2;
  }
  for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"}) {
    const QString path = home.filePath(QString::fromLatin1(name).toLower());
    QDir().mkpath(path);
    qputenv(name, QFile::encodeName(path));
  }
  QCoreApplication::setOrganizationName(QStringLiteral("CellScopeTests"));
  QCoreApplication::setApplicationName(QStringLiteral("ui_tests"));

  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new FreshSettingsPerTest);
  QApplication app(argc, argv);
  return RUN_ALL_TESTS();
}
