// The test harness's own promise (see main.cpp): this process's settings live in a private
// temporary folder, never the user's or another test process's, and each test starts empty.
#include <gtest/gtest.h>

#include <QDir>
#include <QSettings>

namespace {

TEST(SettingsIsolation, StoreIsPrivateToThisProcess) {
  const QString configHome = QDir::cleanPath(qEnvironmentVariable("XDG_CONFIG_HOME"));
  ASSERT_FALSE(configHome.isEmpty());
  EXPECT_TRUE(QDir::cleanPath(QSettings().fileName()).startsWith(configHome + QLatin1Char('/')))
      << QSettings().fileName().toStdString() << " is outside " << configHome.toStdString();
  EXPECT_TRUE(configHome.startsWith(QDir::cleanPath(QDir::tempPath())));
}

TEST(SettingsIsolation, EachTestStartsWithAnEmptyStore) {
  EXPECT_TRUE(QSettings().allKeys().isEmpty()) << QSettings().allKeys().join(' ').toStdString();
  QSettings().setValue(QStringLiteral("isolation/leftover"), 1);  // the next test must not see it
}

TEST(SettingsIsolation, LeftoverOfTheOtherTestIsGone) {
  EXPECT_FALSE(QSettings().contains(QStringLiteral("isolation/leftover")));
  QSettings().setValue(QStringLiteral("isolation/leftover"), 2);
}

}  // namespace
