// Worker threads: see worker_thread.h. The thread object itself goes with its owner (child).
#include "worker_thread.h"

#include <QThread>

QThread* startWorkerThread(QObject* owner, QObject* worker, const QString& name) {
  auto* thread = new QThread(owner);
  thread->setObjectName(name);
  worker->moveToThread(thread);
  thread->start();
  return thread;
}

void joinWorkerThread(QThread* thread, QObject* worker) {
  thread->quit();
  thread->wait();
  delete worker;
}
