// MSBuild task compiled by RoslynCodeTaskFactory (see ElfPatch.targets); it targets the
// netstandard2.0 surface that the factory compiles against, so no Span/BinaryPrimitives here:
// multi-byte fields are assembled little-endian by hand, whatever the host.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared library as weak
/// (<c>VER_FLG_WEAK</c> in the <c>vna_flags</c> of its <c>Elf64_Vernaux</c> entry in
/// <c>.gnu.version_r</c>), so that the dynamic loader no longer refuses to load the library
/// when the providing library lacks that version. Does nothing when <see cref="Provider"/>
/// already defines the version, or when the flag is already set.
/// </summary>
public sealed class WeakenVersionNeed : Task
{
    const uint SHT_GNU_verdef = 0x6ffffffd;
    const uint SHT_GNU_verneed = 0x6ffffffe;
    const ushort VER_FLG_WEAK = 0x2;
    const ushort SHN_XINDEX = 0xffff;

    /// <summary>The ELF64 library to patch in place (a copy in the build output, never the package cache).</summary>
    [Required] public string Library { get; set; } = "";

    /// <summary>The version name whose need becomes weak, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
    [Required] public string VersionName { get; set; } = "";

    /// <summary>
    /// The library the loader will bind that version from (e.g. the system libstdc++.so.6).
    /// When it defines <see cref="VersionName"/> in <c>.gnu.version_d</c>, nothing is patched.
    /// When empty or missing, the need is weakened anyway (harmless where the version exists).
    /// </summary>
    public string Provider { get; set; } = "";

    /// <summary>What the task did: <c>patched</c>, <c>already-weak</c>, <c>provided</c> or <c>not-needed</c>.</summary>
    [Output] public string Result { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            if (Provider.Length > 0 && File.Exists(Provider) && Elf.Read(Provider).DefinesVersion(VersionName))
            {
                Result = "provided";
                Log.LogMessage(MessageImportance.Low, $"{Provider} defines {VersionName}; {Library} left as is.");
                return true;
            }

            byte[] image = File.ReadAllBytes(Library);
            var elf = new Elf(image, Library);
            int flagsOffset = elf.FindVernauxFlags(VersionName, out string neededFrom);
            if (flagsOffset < 0)
            {
                Result = "not-needed";
                Log.LogMessage(MessageImportance.Low, $"{Library} does not need {VersionName}.");
                return true;
            }

            ushort flags = elf.U16((ulong)flagsOffset);
            if ((flags & VER_FLG_WEAK) != 0)
            {
                Result = "already-weak";
                Log.LogMessage(MessageImportance.Low, $"{Library}: need {VersionName} of {neededFrom} is already weak.");
                return true;
            }

            ushort patched = (ushort)(flags | VER_FLG_WEAK);

            // Patch a copy (File.Copy keeps the mode bits) and swap it in, so a hard link into the
            // NuGet cache, if copy-local ever made one, is replaced rather than written through.
            string temp = Library + ".elfpatch.tmp";
            File.Copy(Library, temp, overwrite: true);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            {
                stream.Position = flagsOffset;
                stream.WriteByte((byte)patched);
                stream.WriteByte((byte)(patched >> 8));
            }
            File.Replace(temp, Library, null);
            Result = "patched";
            Log.LogMessage(MessageImportance.High,
                $"ElfPatch: {Path.GetFileName(Library)}: need {VersionName} of {neededFrom} marked weak (vna_flags at 0x{flagsOffset:x}).");
            return true;
        }
        catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
        {
            Log.LogError($"ElfPatch: {Library}: {e.Message}");
            return false;
        }
    }

    /// <summary>Just enough of an ELF64 little-endian reader: section headers, names, version sections.</summary>
    sealed class Elf
    {
        readonly byte[] _b;
        readonly string _path;
        readonly ulong _shoff;
        readonly int _shentsize;
        readonly int _shnum;
        readonly int _shstrndx;

        public static Elf Read(string path) => new Elf(File.ReadAllBytes(path), path);

        public Elf(byte[] image, string path)
        {
            _b = image;
            _path = path;
            if (_b.Length < 64 || _b[0] != 0x7f || _b[1] != (byte)'E' || _b[2] != (byte)'L' || _b[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (_b[4] != 2) throw new InvalidDataException("not ELF64 (EI_CLASS != ELFCLASS64)");
            if (_b[5] != 1) throw new InvalidDataException("not little-endian (EI_DATA != ELFDATA2LSB)");

            _shoff = U64(0x28);
            _shentsize = U16(0x3a);
            _shnum = U16(0x3c);
            _shstrndx = U16(0x3e);
            if (_shoff == 0) throw new InvalidDataException("no section header table");
            if (_shentsize < 64) throw new InvalidDataException($"e_shentsize {_shentsize} < 64");
            // Extended numbering: the real counts live in section header 0.
            if (_shnum == 0) _shnum = checked((int)SectionSize(0));
            if (_shstrndx == SHN_XINDEX) _shstrndx = (int)SectionLink(0);
            if (_shstrndx >= _shnum) throw new InvalidDataException("e_shstrndx out of range");
            Check(_shoff, (ulong)_shnum * (ulong)_shentsize);
        }

        /// <summary>
        /// Walks <c>.gnu.version_r</c> (Elf64_Verneed → Elf64_Vernaux chains) and returns the file
        /// offset of <c>vna_flags</c> for the entry named <paramref name="version"/>, or -1.
        /// </summary>
        public int FindVernauxFlags(string version, out string neededFrom)
        {
            neededFrom = "";
            int sec = FindSection(".gnu.version_r");
            if (sec < 0) return -1;
            if (SectionType(sec) != SHT_GNU_verneed) throw new InvalidDataException(".gnu.version_r is not SHT_GNU_verneed");
            int strtab = (int)SectionLink(sec);
            uint count = SectionInfo(sec);
            ulong start = SectionOffset(sec), end = start + SectionSize(sec);
            Check(start, SectionSize(sec));

            ulong vn = start;
            for (uint i = 0; i < count; i++)
            {
                CheckIn(vn, 16, start, end);
                ushort cnt = U16(vn + 2);
                uint file = U32(vn + 4);
                ulong vna = vn + U32(vn + 8);
                for (ushort j = 0; j < cnt; j++)
                {
                    CheckIn(vna, 16, start, end);
                    if (StringAt(strtab, U32(vna + 8)) == version)
                    {
                        neededFrom = StringAt(strtab, file);
                        return checked((int)(vna + 4));
                    }
                    uint nextAux = U32(vna + 12);
                    if (nextAux == 0) break;
                    vna += nextAux;
                }
                uint next = U32(vn + 12);
                if (next == 0) break;
                vn += next;
            }
            return -1;
        }

        /// <summary>True when <c>.gnu.version_d</c> has an Elf64_Verdef whose first Verdaux names <paramref name="version"/>.</summary>
        public bool DefinesVersion(string version)
        {
            int sec = FindSection(".gnu.version_d");
            if (sec < 0) return false;
            if (SectionType(sec) != SHT_GNU_verdef) throw new InvalidDataException($"{_path}: .gnu.version_d is not SHT_GNU_verdef");
            int strtab = (int)SectionLink(sec);
            uint count = SectionInfo(sec);
            ulong start = SectionOffset(sec), end = start + SectionSize(sec);
            Check(start, SectionSize(sec));

            ulong vd = start;
            for (uint i = 0; i < count; i++)
            {
                CheckIn(vd, 20, start, end);
                ulong vda = vd + U32(vd + 12);
                CheckIn(vda, 8, start, end);
                if (StringAt(strtab, U32(vda)) == version) return true;
                uint next = U32(vd + 16);
                if (next == 0) break;
                vd += next;
            }
            return false;
        }

        int FindSection(string name)
        {
            for (int i = 0; i < _shnum; i++)
                if (StringAt(_shstrndx, U32(Header(i))) == name) return i;
            return -1;
        }

        ulong Header(int i) => _shoff + (ulong)i * (ulong)_shentsize;
        uint SectionType(int i) => U32(Header(i) + 4);
        ulong SectionOffset(int i) => U64(Header(i) + 24);
        ulong SectionSize(int i) => U64(Header(i) + 32);
        uint SectionLink(int i) => U32(Header(i) + 40);
        uint SectionInfo(int i) => U32(Header(i) + 44);

        /// <summary>The NUL-terminated string at <paramref name="offset"/> in string-table section <paramref name="strtab"/>.</summary>
        string StringAt(int strtab, uint offset)
        {
            if (strtab < 0 || strtab >= _shnum) throw new InvalidDataException($"string table index {strtab} out of range");
            ulong start = SectionOffset(strtab), size = SectionSize(strtab);
            Check(start, size);
            if (offset >= size) throw new InvalidDataException($"string offset {offset} outside its table");
            int s = checked((int)(start + offset)), e = s, limit = checked((int)(start + size));
            while (e < limit && _b[e] != 0) e++;
            return Encoding.ASCII.GetString(_b, s, e - s);
        }

        public ushort U16(ulong o) { Check(o, 2); return (ushort)(_b[o] | _b[o + 1] << 8); }
        uint U32(ulong o) => U16(o) | (uint)U16(o + 2) << 16;
        ulong U64(ulong o) => U32(o) | (ulong)U32(o + 4) << 32;

        void Check(ulong offset, ulong length)
        {
            if (offset > (ulong)_b.Length || length > (ulong)_b.Length - offset)
                throw new InvalidDataException($"{_path}: read of {length} bytes at 0x{offset:x} runs past the end of the file");
        }

        static void CheckIn(ulong offset, ulong length, ulong start, ulong end)
        {
            if (offset < start || offset + length > end)
                throw new InvalidDataException($"version entry at 0x{offset:x} lies outside its section");
        }
    }
}
