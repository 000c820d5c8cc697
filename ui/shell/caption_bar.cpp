// CaptionBar: a QLabel (rich text, selectable, wrapped) and a flat close button in a styled
// panel; the background follows QPalette::ToolTipBase so a theme change restyles it.
#include "caption_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

CaptionBar::CaptionBar(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("exampleCaptionBar"));
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::ToolTipBase);
  setForegroundRole(QPalette::ToolTipText);

  label_ = new QLabel;
  label_->setObjectName(QStringLiteral("exampleCaptionLabel"));
  label_->setWordWrap(true);
  label_->setTextFormat(Qt::RichText);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label_->setForegroundRole(QPalette::ToolTipText);

  close_ = new QToolButton;
  close_->setObjectName(QStringLiteral("exampleCaptionClose"));
  close_->setAutoRaise(true);
  close_->setText(QStringLiteral("×"));
  close_->setToolTip(tr("Hide this caption"));
  connect(close_, &QToolButton::clicked, this, &CaptionBar::dismiss);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(10, 6, 4, 6);
  layout->addWidget(label_, /*stretch=*/1);
  layout->addWidget(close_, 0, Qt::AlignTop);
  hide();
}

void CaptionBar::setCaption(const QString& title, const QString& caption) {
  title_ = title;
  caption_ = caption;
  label_->setText(QStringLiteral("<b>%1</b> — %2").arg(title.toHtmlEscaped(),
                                                      caption.toHtmlEscaped()));
  active_ = true;
  setVisible(pageShown_);
}

void CaptionBar::dismiss() {
  active_ = false;
  hide();
}

void CaptionBar::setPageShown(bool shown) {
  pageShown_ = shown;
  setVisible(active_ && shown);
}
