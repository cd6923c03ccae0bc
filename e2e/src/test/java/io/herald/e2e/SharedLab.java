package io.herald.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One lab for every test class of the run: building it (journal, API, three node JVMs) costs
 * minutes on two loaded cores, switching its router seconds. Kept in JUnit's root store, so it is
 * closed (every process stopped, every namespace deleted) once the last class has run, also after
 * a failure. Test classes take a {@link Handle} in their {@code @BeforeAll}.
 */
final class SharedLab implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLab.class);

  /** The run's lab, built on first use with the first caller's router. */
  record Handle(ExtensionContext.Store store) {
    Lab lab(Lab.RouterKind kind) {
      return store.getOrComputeIfAbsent(Lab.class, k -> new Closing(Lab.start(kind, tempDir())), Closing.class).lab();
    }
  }

  private record Closing(Lab lab) implements AutoCloseable {
    @Override
    public void close() {
      lab.close();
    }
  }

  private static java.nio.file.Path tempDir() {
    try {
      return Files.createTempDirectory("he2e-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Handle.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return new Handle(context.getRoot().getStore(NAMESPACE));
  }
}
