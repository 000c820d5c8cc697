// RecentFiles: paths are stored as given (callers pass absolute paths); a menu entry reads
// "&N name  —  folder" with the full path as its data and status tip.
#include "recent_files.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace {

const char kModelsKey[] = "recent/models";
const char kTextsKey[] = "recent/texts";

}  // namespace

QStringList withRecent(QStringList list, const QString& path, int limit) {
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > limit) list.removeLast();
  return list;
}

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {}

void RecentFiles::add(const QString& path, bool isModel) {
  list(isModel) = withRecent(list(isModel), path, kLimit);
}

void RecentFiles::remove(const QString& path, bool isModel) {
  list(isModel).removeAll(path);
}

void RecentFiles::clear() {
  models_.clear();
  texts_.clear();
}

void RecentFiles::attachTo(QMenu* menu) {
  connect(menu, &QMenu::aboutToShow, this, [this, menu] { fillMenu(menu); });
}

void RecentFiles::fillMenu(QMenu* menu) {
  menu->clear();
  const auto addSection = [this, menu](const QStringList& paths, bool isModel) {
    for (int i = 0; i < paths.size(); ++i) {
      const QFileInfo info(paths[i]);
      QAction* action =
          menu->addAction(QStringLiteral("&%1 %2  —  %3")
                              .arg(i + 1)
                              .arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())));
      action->setData(paths[i]);
      action->setStatusTip(paths[i]);
      const QString path = paths[i];
      connect(action, &QAction::triggered, this,
              [this, path, isModel] { emit openRequested(path, isModel); });
    }
  };
  if (models_.isEmpty() && texts_.isEmpty()) {
    menu->addAction(tr("No recent files"))->setEnabled(false);
  } else {
    menu->addSection(tr("Models"));
    addSection(models_, true);
    menu->addSection(tr("Texts"));
    addSection(texts_, false);
  }
  menu->addSeparator();
  QAction* clearAction = menu->addAction(tr("&Clear Recent"), this, &RecentFiles::clear);
  clearAction->setObjectName(QStringLiteral("actionClearRecent"));
  clearAction->setEnabled(!models_.isEmpty() || !texts_.isEmpty());
}

void RecentFiles::load(const QSettings& settings) {
  models_ = settings.value(kModelsKey).toStringList().mid(0, kLimit);
  texts_ = settings.value(kTextsKey).toStringList().mid(0, kLimit);
}

void RecentFiles::save(QSettings& settings) const {
  settings.setValue(kModelsKey, models_);
  settings.setValue(kTextsKey, texts_);
}
