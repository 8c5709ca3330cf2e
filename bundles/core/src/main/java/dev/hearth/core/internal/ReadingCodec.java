package dev.hearth.core.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.TreeMap;

import dev.hearth.api.Reading;

/**
 * The journal's private encoding of a reading. Written by hand rather than as JSON because the
 * journal is the hot path: this form is about half the size and several times faster to write and
 * read, and it never leaves the process. The leading version byte lets a later release read the
 * journals of an earlier one.
 */
final class ReadingCodec {

    static final int VERSION = 1;

    private ReadingCodec() {
    }

    static byte[] encode(Reading r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(r.device());
            out.writeUTF(r.measurement());
            out.writeLong(r.timestamp().getEpochSecond());
            out.writeInt(r.timestamp().getNano());
            out.writeShort(r.tags().size());
            for (var t : r.tags().entrySet()) {
                out.writeUTF(t.getKey());
                out.writeUTF(t.getValue());
            }
            out.writeShort(r.fields().size());
            for (var f : r.fields().entrySet()) {
                out.writeUTF(f.getKey());
                Object v = f.getValue();
                char type = Reading.typeCode(v);
                out.writeByte(type);
                switch (type) {
                    case 'i' -> out.writeLong((Long) v);
                    case 'f' -> out.writeDouble((Double) v);
                    case 'b' -> out.writeBoolean((Boolean) v);
                    default -> out.writeUTF((String) v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Decodes a reading; a damaged record gives an {@link IllegalArgumentException} naming what is wrong. */
    static Reading decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) throw new IllegalArgumentException("unknown journal record version " + version);
            String device = in.readUTF();
            String measurement = in.readUTF();
            Instant time = Instant.ofEpochSecond(in.readLong(), in.readInt());
            TreeMap<String, String> tags = new TreeMap<>();
            for (int n = in.readUnsignedShort(); n > 0; n--) tags.put(in.readUTF(), in.readUTF());
            TreeMap<String, Object> fields = new TreeMap<>();
            for (int n = in.readUnsignedShort(); n > 0; n--) {
                String key = in.readUTF();
                int type = in.readUnsignedByte();
                fields.put(key, switch (type) {
                    case 'i' -> in.readLong();
                    case 'f' -> in.readDouble();
                    case 'b' -> in.readBoolean();
                    case 's' -> in.readUTF();
                    default -> throw new IllegalArgumentException("unknown field type " + type);
                });
            }
            if (in.available() > 0) throw new IllegalArgumentException(in.available() + " trailing bytes");
            return new Reading(device, measurement, tags, fields, time);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated journal record: " + e, e);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // an impossible instant, an over-long name: the reading's own checks say what is wrong
            throw new IllegalArgumentException("damaged journal record: " + e.getMessage(), e);
        }
    }
}
