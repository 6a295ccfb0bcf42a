import ArgumentParser
import NoaberClient
import NoaberCrypto

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an Ed25519 key pair: FILE (private, mode 0600) and FILE.pub.",
        discussion: "Both are PEM files that `openssl pkey` reads. Existing files are never overwritten.")

    @Option(name: .long, help: "Path of the private key file to write; the public key goes to FILE.pub.")
    var out: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let key = try Ed25519PrivateKey.generate()
        let publicPath = out + ".pub"
        do {
            try key.write(toFile: out)
            try key.publicKey.write(toFile: publicPath)
        } catch {
            throw ClientFailure("\(error)")
        }
        let id = key.publicKey.keyID.hex
        if output.json {
            try printJSON([
                "key_id": id, "private_key_file": out, "public_key_file": publicPath,
                "public_key": Hex.encode(key.publicKey.rawRepresentation),
            ])
        } else {
            print(id)
        }
    }
}
