from handoff_assistant.formatting import human_size


def test_sizes_read_the_same_everywhere():
    assert [human_size(n) for n in (0, 1023, 20_070, 5 * 1024 ** 2, 3 * 1024 ** 4)] == [
        "0 bytes", "1,023 bytes", "19.6 KB", "5.0 MB", "3,072.0 GB"]
