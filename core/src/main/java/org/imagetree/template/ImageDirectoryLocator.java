package org.imagetree.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.loader.ResourceLocator;
import com.hubspot.jinjava.loader.ResourceNotFoundException;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code include}, {@code import} and {@code from} find templates: docker-pkg's Jinja2
 * {@code FileSystemLoader(image directory)}, and nothing else (not the class path, not the file system).
 * As Jinja2's loader, names are split on {@code /}, empty and {@code .} parts are skipped and a {@code ..} part
 * is refused; unlike it, a name that resolves through a symlink to a file outside the image directory is
 * refused too. Included files are bounded by {@link TemplateLimits#MAX_CHARS}. Immutable.
 */
final class ImageDirectoryLocator implements ResourceLocator {
    private final Path directory;
    private final RenderSession session;

    ImageDirectoryLocator(Path directory, RenderSession session) {
        this.directory = directory;
        this.session = session;
    }

    @Override
    public String getString(String fullName, Charset encoding, JinjavaInterpreter interpreter) throws IOException {
        Path file = directory;
        for (String piece : fullName.split("/", -1)) {
            if (piece.equals("..") || piece.contains("\\")) throw notFound(fullName, interpreter, "a template name may not contain '..'");
            if (!piece.isEmpty() && !piece.equals(".")) file = file.resolve(piece);
        }
        if (file.equals(directory) || !Files.isRegularFile(file)) {
            throw notFound(fullName, interpreter, "no such template in the image directory " + directory);
        }
        Path real = file.toRealPath();
        if (!real.startsWith(directory.toRealPath())) {
            throw notFound(fullName, interpreter, "resolves outside the image directory (-> " + real + ")");
        }
        if (Files.size(real) > TemplateLimits.MAX_CHARS) {
            throw notFound(fullName, interpreter, "is over " + TemplateLimits.MAX_CHARS + " bytes");
        }
        return Files.readString(real, encoding);
    }

    private ResourceNotFoundException notFound(String name, JinjavaInterpreter interpreter, String why) {
        String message = "template '" + name + "': " + why;
        session.fail(new FilterFailure(message), interpreter == null ? 0 : interpreter.getLineNumber());
        return new ResourceNotFoundException(message);
    }
}
