// Theme: the app's look. System is the platform's style and palette as they were before the
// first applyTheme(); Light is Fusion with its standard palette; Dark is Fusion with
// darkPalette(). Names ("system", "light", "dark") are what QSettings stores under view/theme.
#pragma once

#include <QPalette>
#include <QString>

class QActionGroup;
class QObject;

enum class Theme { kSystem, kLight, kDark };
inline constexpr int kThemeCount = 3;

// "system", "light" or "dark".
QString themeName(Theme theme);
// The theme called `name`; `fallback` for any other string.
Theme themeFromName(const QString& name, Theme fallback = Theme::kSystem);

// Dark greys with light text (disabled text mid grey), a blue highlight.
QPalette darkPalette();

// Sets the application's style and palette; kSystem restores the original ones.
void applyTheme(Theme theme);

// The View → Theme actions (System, Light, Dark; exclusive and checkable, System checked), in
// Theme order, each with its Theme as data() and the object name actionTheme_NAME.
QActionGroup* createThemeActions(QObject* parent);
