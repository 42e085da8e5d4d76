// SPDX-License-Identifier: BSL-1.0
// 13_large_objects: a large object made, written, sought, read and truncated inside a
// transaction, its OID kept in a table; then a local file imported into one and exported again.
//
// Run:  example_13_large_objects [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstddef>     // std::byte
#include <cstdint>     // std::int32_t
#include <cstdio>      // std::remove, std::fopen: the local files
#include <cstdlib>     // std::getenv
#include <iostream>    // std::cout, std::cerr
#include <string>      // conninfo, text
#include <vector>      // bytes read

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const std::string conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE documents (name text PRIMARY KEY, content oid NOT NULL)");

        // A descriptor lives in a transaction block: outside one, create() and open() refuse.
        typq::transaction tx{conn};
        typq::large_object doc = typq::large_object::create(conn);  // opened for reading and writing
        doc.write("Large objects are read and written in parts.");
        doc.seek(-6, typq::large_object::whence::end);
        doc.write("pieces.");                                       // overwrites, then extends
        std::cout << "size: " << doc.seek(0, typq::large_object::whence::end) << '\n';
        doc.seek(6);
        const std::vector<std::byte> word = doc.read(7);            // fewer only at the end
        std::cout << "word: " << std::string(reinterpret_cast<const char*>(word.data()), word.size()) << '\n';
        doc.truncate(13);                                           // "Large objects"
        conn.execute("INSERT INTO documents VALUES ($1, $2)", "intro", doc.oid());
        doc.close();
        tx.commit();

        // Later, in another transaction: find it by its OID and read it, as of the snapshot.
        {
            typq::transaction read_tx{conn};
            const auto id = conn.query_value<typq::oid>("SELECT content FROM documents WHERE name = $1", "intro");
            typq::large_object again = typq::large_object::open(conn, id, typq::large_object::mode::read);
            const std::vector<std::byte> all = again.read(1 << 20);
            std::cout << "stored: " << std::string(reinterpret_cast<const char*>(all.data()), all.size()) << '\n';
        }  // closed by its destructor, then rolled back: nothing was changed

        // Files on this machine (not the server's): outside a transaction block each call runs
        // in a transaction of its own.
        const std::string source = "typq_example_13.txt";
        if (std::FILE* f = std::fopen(source.c_str(), "wb")) {
            std::fputs("a file kept in the database\n", f);
            std::fclose(f);
        }
        const typq::oid imported = typq::large_object::import_file(conn, source);
        typq::large_object::export_file(conn, imported, source + ".copy");
        std::cout << "imported and exported " << conn.query_value<std::int32_t>("SELECT length(lo_get($1))", imported)
                  << " bytes\n";

        typq::large_object::unlink(conn, imported);  // large objects are deleted explicitly
        typq::large_object::unlink(conn, conn.query_value<typq::oid>("SELECT content FROM documents"));
        std::remove(source.c_str());
        std::remove((source + ".copy").c_str());
    }
    catch (const typq::server_error& e) {
        std::cerr << "server error " << e.sqlstate() << ": " << e.what() << '\n';
        return 1;
    }
    catch (const typq::error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
