// ExplorerWelcome: what the Explore tab shows in place of the text view while it has no text —
// a line on what the tab does, the Examples as a list of links (their titles come from the
// shell: this room does not know the catalogue, it only says which one was clicked) and how to
// open one's own model or text. Only the hint depends on whether a model is loaded.
#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QVBoxLayout;

class ExplorerWelcome : public QWidget {
  Q_OBJECT

 public:
  explicit ExplorerWelcome(QWidget* parent = nullptr);

  // One link per title, in this order (object names welcomeExample_0, _1, …); with none, the
  // list and its heading are hidden.
  void setExampleTitles(const QStringList& titles);
  QStringList exampleTitles() const { return titles_; }
  // No model: the hint starts with File → Open Model…; with one, with File → Open Text….
  void setHasModel(bool hasModel);
  QString hint() const;

 signals:
  void exampleRequested(int index);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void colourLinks();  // the palette's link colour (a theme change sets another)

  QStringList titles_;
  QLabel* examplesHeading_ = nullptr;
  QVBoxLayout* examplesList_ = nullptr;
  QLabel* hint_ = nullptr;
};
