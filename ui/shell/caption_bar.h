// CaptionBar: a dismissible info bar above the main window's tabs saying what an Example shows
// ("The comment neuron — red inside every comment …"). Hidden until setCaption(); the × button
// or dismiss() hides it again; setPageShown(false) hides it while another tab than the one it
// describes is current, and true brings it back unless dismissed. Word-wrapped, in the palette's tooltip colours so it reads as a
// note in both the light and the dark theme.
#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QToolButton;

class CaptionBar : public QFrame {
  Q_OBJECT

 public:
  explicit CaptionBar(QWidget* parent = nullptr);

  // Shows `title` in bold followed by `caption` (plain text: both are escaped).
  void setCaption(const QString& title, const QString& caption);
  void dismiss();
  // Whether the page the caption describes is the one showing.
  void setPageShown(bool shown);
  bool isActive() const { return active_; }

  QString title() const { return title_; }
  QString caption() const { return caption_; }
  QLabel* label() const { return label_; }
  QToolButton* closeButton() const { return close_; }

 private:
  QLabel* label_ = nullptr;
  QToolButton* close_ = nullptr;
  QString title_;
  QString caption_;
  bool active_ = false;  // a caption is set and not dismissed
  bool pageShown_ = true;
};
