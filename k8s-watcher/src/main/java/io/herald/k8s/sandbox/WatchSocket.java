package io.herald.k8s.sandbox;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * One watch as a WebSocket: the store registers it when the request arrives, before the upgrade
 * completes, so events written in between wait here and go out in order once the socket is open.
 * When the client goes away the watch is removed from the store.
 */
final class WatchSocket extends WebSocketListener implements SandboxStore.Sink {
  private final Queue<String> pending = new ArrayDeque<>();
  private WebSocket socket;
  private boolean closeRequested;
  private boolean done;
  private Runnable cancel = () -> {};

  synchronized void cancelWith(Runnable cancel) {
    this.cancel = cancel;
    if (done) cancel.run();
  }

  @Override
  public synchronized void send(String text) {
    if (done) return;
    if (socket == null) pending.add(text);
    else socket.send(text);
  }

  @Override
  public synchronized void close() {
    closeRequested = true;
    if (socket != null) socket.close(1000, "");
  }

  @Override
  public synchronized void onOpen(WebSocket webSocket, Response response) {
    socket = webSocket;
    while (!pending.isEmpty()) socket.send(pending.poll());
    if (closeRequested) socket.close(1000, "");
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    end();
    webSocket.close(code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    end();
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, Response response) {
    end();
  }

  private void end() {
    Runnable c;
    synchronized (this) {
      if (done) return;
      done = true;
      pending.clear();
      c = cancel;
    }
    c.run();
  }
}
