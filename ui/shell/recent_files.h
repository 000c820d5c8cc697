// RecentFiles: File → Open Recent's two lists, models and texts, each most recent first, without
// duplicates and at most kLimit entries. attachTo() refills a QMenu each time it is about to show
// (Models and Texts sections, Clear Recent); choosing an entry emits openRequested(). load() and
// save() use the settings keys recent/models and recent/texts.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QMenu;
class QSettings;

// `list` with `path` moved (or added) to the front, at most `limit` entries.
QStringList withRecent(QStringList list, const QString& path, int limit = 8);

class RecentFiles : public QObject {
  Q_OBJECT

 public:
  static constexpr int kLimit = 8;

  explicit RecentFiles(QObject* parent = nullptr);

  QStringList models() const { return models_; }
  QStringList texts() const { return texts_; }
  // Moves `path` to the front of its list.
  void add(const QString& path, bool isModel);
  void remove(const QString& path, bool isModel);
  void clear();

  // Refills `menu` each time it is about to show.
  void attachTo(QMenu* menu);
  void fillMenu(QMenu* menu);

  void load(const QSettings& settings);
  void save(QSettings& settings) const;

 signals:
  void openRequested(const QString& path, bool isModel);

 private:
  QStringList& list(bool isModel) { return isModel ? models_ : texts_; }

  QStringList models_;
  QStringList texts_;
};
