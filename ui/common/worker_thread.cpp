// Worker threads: see worker_thread.h. The thread object itself goes with its owner (child);
// joinWorkerThread deletes the worker only once its thread has stopped, so no slot of it runs
// while it is destroyed.
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
