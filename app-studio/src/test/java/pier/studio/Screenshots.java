package pier.studio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;

import javax.imageio.ImageIO;

import org.testfx.api.FxRobot;

/**
 * Saves what the studio's window shows as a PNG in {@code target/screenshots}; the docs' pictures are
 * copies of these ({@code docs/studio/}), taken from the real app by the suite.
 */
final class Screenshots {

    static final Path FOLDER = Path.of(System.getProperty("pier.screenshots", "target/screenshots"));

    private Screenshots() {
    }

    static void save(FxRobot robot, Scene scene, String name) {
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = scene.snapshot(null));
        try {
            Files.createDirectories(FOLDER);
            ImageIO.write(SwingFXUtils.fromFXImage(image[0], null), "png", FOLDER.resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
