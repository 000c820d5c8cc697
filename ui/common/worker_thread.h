// Worker threads, Qt's way: a worker QObject (no parent) moved to its own QThread, which is a
// child of the widget that owns both. startWorkerThread() names and starts it; joinWorkerThread()
// quits and waits for it, then deletes the worker (its thread has ended: nothing else can touch
// it). The owner asks the worker to stop its current job (its atomics) before joining.
#pragma once

#include <QString>

class QObject;
class QThread;

QThread* startWorkerThread(QObject* owner, QObject* worker, const QString& name);
void joinWorkerThread(QThread* thread, QObject* worker);
