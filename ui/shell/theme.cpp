// Theme: the original style name and palette are captured on the first applyTheme() (static
// locals), before any theme changed them, so System can return to them at any later time.
#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCoreApplication>
#include <QStyle>
#include <QStyleFactory>

namespace {

const char* const kThemeNames[kThemeCount] = {"system", "light", "dark"};

}  // namespace

QString themeName(Theme theme) {
  return QLatin1String(kThemeNames[static_cast<int>(theme)]);
}

Theme themeFromName(const QString& name, Theme fallback) {
  for (int k = 0; k < kThemeCount; ++k) {
    if (name == QLatin1String(kThemeNames[k])) return static_cast<Theme>(k);
  }
  return fallback;
}

QPalette darkPalette() {
  QPalette p;
  const QColor window(45, 45, 48), base(30, 30, 32), text(220, 220, 220), disabled(128, 128, 128);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::red);
  p.setColor(QPalette::Link, QColor(90, 160, 255));
  p.setColor(QPalette::Highlight, QColor(42, 130, 218));
  p.setColor(QPalette::HighlightedText, Qt::black);
  for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  return p;
}

void applyTheme(Theme theme) {
  // What "System" returns to: the application's style and palette before any theme was set.
  static const QString systemStyle = QApplication::style()->name();
  static const QPalette systemPalette = QApplication::palette();
  if (theme == Theme::kSystem) {
    QApplication::setStyle(QStyleFactory::create(systemStyle));
    QApplication::setPalette(systemPalette);
  } else {
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::kDark ? darkPalette()
                                                   : QApplication::style()->standardPalette());
  }
}

QActionGroup* createThemeActions(QObject* parent) {
  auto* group = new QActionGroup(parent);
  group->setExclusive(true);
  const char* const texts[kThemeCount] = {QT_TRANSLATE_NOOP("Theme", "&System"),
                                          QT_TRANSLATE_NOOP("Theme", "&Light"),
                                          QT_TRANSLATE_NOOP("Theme", "&Dark")};
  for (int k = 0; k < kThemeCount; ++k) {
    QAction* action = group->addAction(QCoreApplication::translate("Theme", texts[k]));
    action->setObjectName(QStringLiteral("actionTheme_%1").arg(QLatin1String(kThemeNames[k])));
    action->setCheckable(true);
    action->setChecked(k == 0);
    action->setData(k);
  }
  return group;
}
