package pier.server;

import java.io.IOException;
import java.io.OutputStream;

import pier.engine.Backup;
import pier.engine.Database;
import pier.protocol.http.BackupService;

/** The backups {@code POST /$backup} streams: the database's full ones and its increments. */
record DatabaseBackups(Database database) implements BackupService.Source {

    @Override
    public long writeTo(OutputStream out) throws IOException {
        return Backup.write(database, out);
    }

    @Override
    public void checkIncrement(long after) {
        Backup.checkIncrement(database, after);
    }

    @Override
    public long writeIncrement(long after, OutputStream out) throws IOException {
        return Backup.writeIncrement(database, after, out);
    }
}
